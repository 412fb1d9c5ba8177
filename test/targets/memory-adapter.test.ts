/**
 * memory.adapter of a target definition: the schema, the semantic checks, the defaults of each
 * kind (ts/targets/memory-adapter.ts), native-sim's options, and the firmware's make fragment.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { boardFiles } from '../../ts/targets/board-files.js';
import { listTargets, loadTarget, loadTargetFile, memoryAdapterOf, nativeSimMemoryArgs } from '../../ts/targets/index.js';
import { nativeSimArgs } from '../../ts/run/native-sim-binary.js';
import { TempTargets, at, expectWrtError, shippedData } from './support.js';

const temp = new TempTargets();
afterAll(() => temp.remove());

function withAdapter(base: string, adapter: unknown, id = `${base}-adapted`): () => ReturnType<typeof loadTargetFile> {
  const data = shippedData(base);
  data['id'] = id;
  at(data, 'memory')['adapter'] = adapter;
  const file = temp.write(id, data);
  return () => loadTargetFile(file);
}

function expectInvalid(action: () => unknown, field: string, messagePart: string): void {
  const error = expectWrtError(action, 'TARGET_INVALID');
  expect(error.location.field).toBe(field);
  expect(error.message).toContain(messagePart);
  expect(error.exitCode).toBe(2);
}

describe('defaults per kind', () => {
  it('native-sim declares linux-mmap without options; every board takes the linker arena by default', () => {
    const sim = memoryAdapterOf(loadTarget('native-sim'));
    expect(sim).toEqual({ kind: 'linux-mmap', lock: false, populate: false, hugepages: false, typedMemoryName: null, source: 'target native-sim: memory.adapter' });
    for (const def of listTargets().filter((t) => t.kind === 'emulated' || t.kind === 'board')) {
      const adapter = memoryAdapterOf(def);
      expect(adapter.kind, def.id).toBe('linker-arena');
      expect(adapter.source, def.id).toBe(`target ${def.id}: default of kind ${def.kind} (no memory.adapter)`);
    }
  });

  it('a host-sim without memory.adapter defaults to linux-mmap', () => {
    const data = shippedData('native-sim');
    data['id'] = 'sim-default';
    delete at(data, 'memory')['adapter'];
    const def = loadTargetFile(temp.write('sim-default', data));
    expect(memoryAdapterOf(def)).toMatchObject({ kind: 'linux-mmap', lock: false, populate: false, hugepages: false });
  });

  it('lock implies populate, and native-sim is told --mem-lock alone', () => {
    const adapter = memoryAdapterOf(withAdapter('native-sim', { kind: 'linux-mmap', lock: true })());
    expect(adapter).toMatchObject({ lock: true, populate: true });
    expect(nativeSimMemoryArgs(adapter)).toEqual(['--mem-lock']);
    expect(nativeSimArgs({ memoryAdapter: adapter, arenaBytes: 4194304 })).toEqual(['--upload-capacity', '4194304', '--arena', '4194304', '--mem-lock']);
  });

  it('populate and huge pages, and a QNX typed memory name, become their options', () => {
    expect(nativeSimMemoryArgs(memoryAdapterOf(withAdapter('native-sim', { kind: 'linux-mmap', populate: true, hugepages: true }, 'sim-huge')()))).toEqual([
      '--mem-populate',
      '--mem-hugepages',
    ]);
    const qnx = memoryAdapterOf(withAdapter('native-sim', { kind: 'qnx-typed-memory', typedMemoryName: '/memory/below4G/ram/sysram' }, 'sim-qnx')());
    expect(nativeSimMemoryArgs(qnx)).toEqual(['--mem-typed-memory', '/memory/below4G/ram/sysram']);
  });

  it('the firmware make fragment names the adapter the Makefile checks the app against', () => {
    expect(boardFiles(loadTarget('qemu-mps2-an386')).makefile).toContain('BOARD_MEM_ADAPTER := linker-arena\n');
  });
});

describe('refused adapters', () => {
  it('an unknown kind names the field and the known kinds', () => {
    const error = expectWrtError(withAdapter('native-sim', { kind: 'malloc' }, 'sim-bad-kind'), 'TARGET_INVALID');
    expect(error.location.field).toBe('/memory/adapter/kind');
    expect(error.message).toContain('is "malloc", not an allowed value');
    expect(error.location.limit).toBe('one of "linux-mmap" | "qnx-typed-memory" | "linker-arena"');
  });

  it('qnx-typed-memory without a name', () => {
    expectInvalid(withAdapter('native-sim', { kind: 'qnx-typed-memory' }, 'sim-no-name'), '/memory/adapter/typedMemoryName', 'required');
  });

  it('a linker arena on a host target, and mmap on a board', () => {
    expectInvalid(withAdapter('native-sim', { kind: 'linker-arena' }, 'sim-linker'), '/memory/adapter/kind', 'is linker-arena on a host-sim target');
    expectInvalid(withAdapter('qemu-mps2-an386', { kind: 'linux-mmap' }, 'an386-mmap'), '/memory/adapter/kind', 'is linux-mmap on an emulated target');
  });

  it('huge pages off Linux, and a typed memory name off QNX', () => {
    expectInvalid(withAdapter('qemu-mps2-an386', { kind: 'linker-arena', hugepages: true }, 'an386-huge'), '/memory/adapter/hugepages', 'is set for linker-arena');
    expectInvalid(withAdapter('native-sim', { kind: 'linux-mmap', typedMemoryName: 'sysram' }, 'sim-named'), '/memory/adapter/typedMemoryName', 'is set for linux-mmap');
  });
});
