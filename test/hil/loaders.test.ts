import { rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { ExecutorRegistry } from '../../ts/hil/executor.js';
import { loadHardwareMap, parseHardwareMap } from '../../ts/hil/hardware-map.js';
import { planBoard } from '../../ts/hil/plan.js';
import { expiredEntries, globToRegExp, parseQuarantine, quarantineFor } from '../../ts/hil/quarantine.js';
import { defaultExecutorRegistry } from '../../ts/hil/registry.js';
import { loadSuites, parseSuite } from '../../ts/hil/suite.js';
import { expectWrtError } from '../support/wrt-error.js';
import { suiteTest, tempDir, writeTree } from './support.js';

const HIL = join(packageRoot(), 'hil');

function map(text: string): () => unknown {
  return () => parseHardwareMap(text, 'lab.yaml');
}

describe('hardware map', () => {
  it('loads the shipped example maps with their targets', () => {
    const lab = loadHardwareMap(join(HIL, 'maps', 'lab.yaml'));
    expect(lab.boards.map((b) => [b.id, b.connection, b.target?.id, b.enabled, b.origin.line])).toEqual([
      ['nucleo-1', { kind: 'serial', port: '/dev/serial/by-id/usb-STMicroelectronics_STM32_STLink_0671FF485557725187122328-if02' }, 'nucleo-f429zi', true, 6],
      ['mps2-qemu', { kind: 'qemu' }, 'qemu-mps2-an386', true, 14],
      ['lm3s-qemu', { kind: 'qemu' }, 'qemu-lm3s6965evb', false, 18],
      ['native-sim', { kind: 'native-sim' }, 'native-sim', true, 24],
      ['v8', { kind: 'reference-v8' }, undefined, true, 27],
    ]);
    expect(lab.boards[0]).toMatchObject({ runner: 'openocd', baud: 115200, fixtures: ['gpio-loopback'] });
    expect(lab.boards[1]?.timeoutScale).toBe(2);
    const reference = loadHardwareMap(join(HIL, 'maps', 'reference.yaml'));
    expect(reference.boards.map((b) => b.id)).toEqual(['v8']);
  });

  it('names the line of a YAML syntax error and of a duplicate key', () => {
    const indent = expectWrtError(map('boards:\n  - id: a\n   connection: reference-v8\n'), 'CONFIG_PARSE', { file: 'lab.yaml', line: 3 });
    expect(indent.message).toBe('not valid YAML: Sequence item without - indicator (column 1)');
    expectWrtError(map('boards:\n  - id: a\n    id: b\n    connection: reference-v8\n'), 'CONFIG_PARSE', { file: 'lab.yaml', line: 3 });
  });

  it('rejects an unknown field with the known ones', () => {
    const error = expectWrtError(map('boards:\n  - id: a\n    connection: reference-v8\n    baudrate: 9600\n'), 'CONFIG_SCHEMA', {
      file: 'lab.yaml',
      field: '/boards/0/baudrate',
      line: 4,
    });
    expect(error.message).toBe('/boards/0/baudrate is not a known field');
    expect(error.location.limit).toBe('known fields: id, target, connection, runner, fixtures, baud, enabled, timeoutScale, notes');
  });

  it('wants serial ports by their stable /dev/serial/by-id path', () => {
    const error = expectWrtError(map('boards:\n  - id: a\n    target: nucleo-f429zi\n    connection:\n      serial: /dev/ttyACM0\n'), 'CONFIG_SCHEMA', {
      field: '/boards/0/connection/serial',
      line: 5,
      limit: 'must match ^/dev/(serial/by-id/[^/]+|pts/[0-9]+)$',
    });
    expect(error.message).toBe('/boards/0/connection/serial is "/dev/ttyACM0"');
  });

  it('checks the target exists, is given, and suits the connection and runner', () => {
    const unknown = expectWrtError(map('boards:\n  - id: a\n    target: stm32-nope\n    connection: { emulator: qemu }\n'), 'TARGET_UNKNOWN', {
      file: 'lab.yaml',
      field: '/boards/0/target',
      line: 3,
    });
    expect(unknown.message).toMatch(/^\/boards\/0\/target: no target "stm32-nope"; known targets: .*qemu-mps2-an386/);
    expectWrtError(map('boards:\n  - id: a\n    connection: { emulator: qemu }\n'), 'CONFIG_SCHEMA', { field: '/boards/0/target', limit: 'required unless connection is reference-v8' });
    const kind = expectWrtError(map('boards:\n  - id: a\n    target: nucleo-f429zi\n    connection: { emulator: qemu }\n'), 'CONFIG_SCHEMA', { field: '/boards/0/connection', line: 4 });
    expect(kind.message).toBe('/boards/0/connection qemu needs a target of kind emulated, but nucleo-f429zi is board');
    const runner = expectWrtError(map('boards:\n  - id: a\n    target: qemu-mps2-an386\n    connection: { emulator: qemu }\n    runner: openocd\n'), 'CONFIG_SCHEMA', {
      field: '/boards/0/runner',
      line: 5,
      limit: "one of the target's runners: qemu",
    });
    expect(runner.message).toBe('/boards/0/runner "openocd" is not a flash method of qemu-mps2-an386');
    expectWrtError(map('boards:\n  - id: a\n    target: native-sim\n    connection: reference-v8\n'), 'CONFIG_SCHEMA', { field: '/boards/0/target' });
  });

  it('rejects duplicate board ids and out-of-range values', () => {
    expectWrtError(map('boards:\n  - id: a\n    connection: reference-v8\n  - id: a\n    connection: reference-v8\n'), 'CONFIG_SCHEMA', {
      field: '/boards/1/id',
      line: 4,
      limit: 'board ids are unique',
    });
    expectWrtError(map('boards:\n  - id: a\n    connection: reference-v8\n    baud: 300\n'), 'CONFIG_SCHEMA', { field: '/boards/0/baud', line: 4, limit: '>= 1200' });
    expectWrtError(map('boards: []\n'), 'CONFIG_SCHEMA', { field: '/boards', line: 1, limit: '>= 1 items' });
  });

  it('lists the available executor kinds for a connection nobody can drive yet', () => {
    const lab = loadHardwareMap(join(HIL, 'maps', 'lab.yaml'));
    const registry = defaultExecutorRegistry();
    const probe = parseHardwareMap('boards:\n  - id: v8\n    connection: reference-v8\n  - id: probe-1\n    target: nucleo-f429zi\n    connection: jtag-probe\n', 'probe.yaml').boards[1];
    if (probe === undefined) throw new Error('no board');
    const error = expectWrtError(() => registry.create(probe), 'CONFIG_SCHEMA', { field: '/boards/1/connection', line: 4, limit: 'available kinds: native-sim | qemu | reference-v8 | serial' });
    expect(error.message).toBe('/boards/1/connection: no executor for connection kind "jtag-probe" (board probe-1)');
    const qemu = lab.boards[1];
    if (qemu === undefined) throw new Error('lab.yaml changed');
    expect(new ExecutorRegistry().register('qemu', () => registry.create(lab.boards[4] ?? qemu)).has('qemu')).toBe(true);
  });

  it('skips float tests on a target without an FPU', () => {
    const lab = loadHardwareMap(join(HIL, 'maps', 'lab.yaml'));
    const lm3s = lab.boards.find((b) => b.id === 'lm3s-qemu');
    const mps2 = lab.boards.find((b) => b.id === 'mps2-qemu');
    if (lm3s === undefined || mps2 === undefined) throw new Error('lab.yaml changed');
    const tests = [suiteTest('s', 'fpu', undefined, { requires: { fpu: true } })];
    const modules = new Map([['s/fpu', { bytes: new Uint8Array(), sha256: '' }]]);
    const options = { defaultTimeoutMs: 100, quarantine: { entries: [] }, today: '2026-11-24' };
    expect(planBoard(lm3s, tests, modules, options)[0]?.skip).toBe('needs an FPU; qemu-lm3s6965evb has none');
    expect(planBoard(mps2, tests, modules, options)[0]?.skip).toBeUndefined();
  });
});

describe('suites', () => {
  const dir = tempDir('suites');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeTree(dir, { 's/add.wat': '(module)', 's/main.c': 'int main(void){return 0;}', 'outside.wat': '(module)' });
  symlinkSync(join(dir, 'outside.wat'), join(dir, 's', 'link.wat'));
  const file = join(dir, 's', 'suite.yaml');
  const suite = (text: string) => () => parseSuite(text, file);

  it('loads the shipped smoke and wasi suites', () => {
    const [smoke, wasi] = loadSuites(join(HIL, 'suites'), ['smoke', 'wasi']);
    expect(smoke?.tests.length).toBe(13);
    expect(smoke?.tests[1]).toMatchObject({
      id: 'smoke/add-i32-wraps',
      entry: { kind: 'invoke', export: 'add_i32', args: [{ type: 'i32', bits: '2147483647' }, { type: 'i32', bits: '1' }] },
      expect: { kind: 'returns', values: [{ type: 'i32', bits: '2147483648' }] },
      timeoutMs: 5000,
      tags: ['smoke'],
    });
    expect(smoke?.tests[2]?.entry).toEqual({ kind: 'invoke', export: 'add_i64', args: [{ type: 'i64', bits: '18446744073709551615' }, { type: 'i64', bits: '2' }] });
    expect(smoke?.tests[12]?.expect).toEqual({ kind: 'returns', values: [{ type: 'f32', nan: 'arithmetic' }] });
    expect(wasi?.tests.map((t) => [t.name, t.module.kind, t.entry.kind])).toEqual([
      ['hello', 'c', 'command'],
      ['checksum', 'c', 'command'],
      ['sort', 'c', 'command'],
      ['stderr-exit', 'c', 'command'],
    ]);
    expect(wasi?.tests[0]?.entry).toEqual({ kind: 'command', args: ['hello', 'board'], env: {}, stdin: '' });
    expect(wasi?.tests[1]?.entry).toEqual({ kind: 'command', args: ['checksum'], env: {}, stdin: '' });
  });

  it('names an unknown suite and lists the known ones', () => {
    expectWrtError(() => loadSuites(join(HIL, 'suites'), ['smok']), 'USAGE', { field: 'SUITE', limit: 'one of host | smoke | spec-derived | wasi' });
  });

  it('reports schema problems with field and line', () => {
    const both = expectWrtError(
      suite('name: s\ntests:\n  - name: t\n    module: add.wat\n    invoke: { export: f }\n    command: {}\n    expect: { exitCode: 0 }\n'),
      'CONFIG_SCHEMA',
      { field: '/tests/0', line: 3, limit: 'exactly one of invoke | command' },
    );
    expect(both.message).toBe('/tests/0 needs exactly one of invoke | command');
    expectWrtError(suite('name: s\ntests:\n  - name: t\n    module: add.wat\n    invoke: { export: f }\n    expect: {}\n'), 'CONFIG_SCHEMA', {
      field: '/tests/0/expect',
      line: 6,
      limit: 'exactly one of returns | trap | exitCode',
    });
    expectWrtError(suite('name: s\ntests:\n  - name: t\n    module: add.rs\n    invoke: { export: f }\n    expect: { trap: unreachable }\n'), 'CONFIG_SCHEMA', {
      field: '/tests/0/module',
      line: 4,
    });
  });

  it('checks typed values', () => {
    const text = (value: string): string => `name: s\ntests:\n  - name: t\n    module: add.wat\n    invoke:\n      export: f\n      args:\n        - ${value}\n    expect: { trap: unreachable }\n`;
    const range = expectWrtError(suite(text('{ i32: 4294967296 }')), 'CONFIG_SCHEMA', { field: '/tests/0/invoke/args/0/i32', line: 8, limit: 'fits 32 bits (signed or unsigned)' });
    expect(range.message).toBe('/tests/0/invoke/args/0/i32 is 4294967296, out of range');
    expectWrtError(suite(text('{ i32: 1.5 }')), 'CONFIG_SCHEMA', { field: '/tests/0/invoke/args/0/i32', line: 8, limit: 'must be of type integer,string' });
    expectWrtError(suite(text('{ i32: "12abc" }')), 'CONFIG_SCHEMA', { field: '/tests/0/invoke/args/0/i32', line: 8, limit: 'decimal or 0x-hex integer' });
    expectWrtError(suite(text('{ f32: "nan:canonical" }')), 'CONFIG_SCHEMA', { field: '/tests/0/invoke/args/0/f32' });
    expectWrtError(suite(text('{ i32: 1, i64: 2 }')), 'CONFIG_SCHEMA', { field: '/tests/0/invoke/args/0', line: 8 });
  });

  it('checks module files, names and expectations against the entry', () => {
    expectWrtError(suite('name: s\ntests:\n  - name: t\n    module: gone.wat\n    invoke: { export: f }\n    expect: { trap: unreachable }\n'), 'FILE_NOT_FOUND', {
      file,
      field: '/tests/0/module',
      line: 4,
    });
    expectWrtError(suite('name: other\ntests:\n  - name: t\n    module: add.wat\n    invoke: { export: f }\n    expect: { trap: unreachable }\n'), 'CONFIG_SCHEMA', {
      field: '/name',
      line: 1,
      limit: 'name equals the folder name',
    });
    expectWrtError(
      suite('name: s\ntests:\n  - name: t\n    module: add.wat\n    invoke: { export: f }\n    expect: { trap: unreachable }\n  - name: t\n    module: add.wat\n    invoke: { export: g }\n    expect: { trap: unreachable }\n'),
      'CONFIG_SCHEMA',
      { field: '/tests/1/name', line: 7, limit: 'test names are unique in a suite' },
    );
    for (const outside of ['../outside.wat', join(dir, 'outside.wat'), 'link.wat']) {
      const error = expectWrtError(suite(`name: s\ntests:\n  - name: t\n    module: ${outside}\n    invoke: { export: f }\n    expect: { trap: unreachable }\n`), 'CONFIG_SCHEMA', {
        file,
        field: '/tests/0/module',
        line: 4,
        limit: 'a path inside the suite folder',
      });
      expect(error.message).toBe(`/tests/0/module: ${outside} is outside the suite folder ${join(dir, 's')}: a suite runs only the modules it carries; copy the module into the folder`);
    }
    expectWrtError(suite('name: s\ntests:\n  - name: t\n    module: main.c\n    command: {}\n    expect: { returns: [] }\n'), 'CONFIG_SCHEMA', {
      field: '/tests/0/expect/returns',
      line: 6,
    });
  });
});

describe('quarantine list', () => {
  it('matches test id patterns per board while the entry is in force', () => {
    const list = parseQuarantine(
      'quarantine:\n  - test: "spec-derived/call_indirect:*"\n    reason: issue 7\n    until: 2026-12-31\n  - test: smoke/add-i3?\n    boards: [nucleo-1]\n    reason: flaky UART\n    until: 2026-11-01\n',
      'q.yaml',
    );
    expect(quarantineFor(list, 'spec-derived/call_indirect:471:dispatch', 'v8', '2026-12-31')?.reason).toBe('issue 7');
    expect(quarantineFor(list, 'spec-derived/call_indirect:471:dispatch', 'v8', '2027-01-01')).toBeUndefined();
    expect(quarantineFor(list, 'smoke/add-i32', 'v8', '2026-10-01')).toBeUndefined();
    expect(quarantineFor(list, 'smoke/add-i32', 'nucleo-1', '2026-10-01')?.reason).toBe('flaky UART');
    expect(expiredEntries(list, '2026-11-24').map((e) => e.test)).toEqual(['smoke/add-i3?']);
    expect(globToRegExp('a.b/*').test('a.b/c.d')).toBe(true);
    expect(globToRegExp('a.b/*').test('axb/c')).toBe(false);
  });

  it('rejects impossible dates and missing reasons', () => {
    expectWrtError(() => parseQuarantine('quarantine:\n  - test: a\n    reason: r\n    until: 2026-02-30\n', 'q.yaml'), 'CONFIG_SCHEMA', { field: '/quarantine/0/until', line: 4 });
    expectWrtError(() => parseQuarantine('quarantine:\n  - test: a\n    until: 2026-02-03\n', 'q.yaml'), 'CONFIG_SCHEMA', { field: '/quarantine/0/reason', line: 2 });
  });
});
