import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { buildNativeSim, makeNativeSim } from '../device/sim-helpers.js';
import vectors from './vectors.json' with { type: 'json' };

const root = packageRoot();

/** The shared vectors as the line format test/protocol/c/wrt_proto_unit.c reads. */
function vectorLines(): string {
  const lines: string[] = [];
  for (const v of vectors.crc32) lines.push(`crc32 ${v.bytes} ${v.crc32}`);
  for (const v of vectors.sha256) lines.push(`sha256 ${v.bytes} ${v.sha256}`);
  for (const v of vectors.cobs) lines.push(`cobs ${v.plain} ${v.encoded}`);
  for (const v of vectors.frames) lines.push(`frame ${v.type} ${v.flags} ${v.seq} ${v.body === '' ? '-' : v.body} ${v.wire}`);
  for (const v of vectors.invoke) {
    lines.push(`invoke ${v.body} ${v.fuel} ${v.name} ${v.args.length}${v.args.map((a) => ` ${a.type} ${a.bits}`).join('')}`);
  }
  for (const v of vectors.session) {
    const f = v.fields;
    lines.push(
      `session ${v.request} ${v.mode ?? 255} ${v.features ?? 255} ${v.answer} ${f.mode} ${f.instances} ${f.maxInstances} ${f.latest} ${f.registrations} ${f.maxRegistrations} ${f.features}`,
    );
  }
  for (const v of vectors.named) lines.push(`named ${v.body} ${v.instance} ${v.name === '' ? '-' : Buffer.from(v.name).toString('hex')}`);
  for (const v of vectors.invoke_on) {
    lines.push(
      `invoke_on ${v.body} ${v.fuel} ${v.instance} ${v.nameHex === '' ? '-' : v.nameHex} ${v.args.length}${v.args.map((a) => ` ${a.type} ${a.bits}`).join('')}`,
    );
  }
  const values = (list: readonly { readonly type: number; readonly bits: string }[]): string => `${list.length}${list.map((a) => ` ${a.type} ${a.bits}`).join('')}`;
  const hex = (text: string): string => (text === '' ? '-' : Buffer.from(text).toString('hex'));
  const typesHex = (list: readonly number[]): string => (list.length === 0 ? '-' : Buffer.from(list).toString('hex'));
  for (const v of vectors.host_imports) {
    lines.push(`host_imports ${v.body} ${v.flags} ${v.imports.length}${v.imports.map((i) => ` ${hex(i.module)} ${hex(i.name)} ${typesHex(i.params)} ${typesHex(i.results)}`).join('')}`);
  }
  for (const v of vectors.host_call) lines.push(`host_call ${v.body} ${v.bootId} ${v.callId} ${v.import} ${values(v.args)}`);
  for (const v of vectors.host_result) lines.push(`host_result ${v.body} ${v.bootId} ${v.callId} ${v.status} ${values(v.results)}`);
  for (const v of vectors.host_trace) lines.push(`host_trace ${v.body} ${v.trap} ${hex(v.module)} ${hex(v.name)} ${values(v.args)} ${values(v.results)}`);
  for (const v of vectors.breakpoints) lines.push(`breakpoints ${v.body} ${v.funcs.length}${v.funcs.map((f) => ` ${f}`).join('')}`);
  for (const v of vectors.break) lines.push(`break ${v.body} ${v.hit} ${v.func} ${v.depth} ${values(v.args)} ${v.frames.length}${v.frames.map((f) => ` ${f.func} ${f.cell}`).join('')}`);
  for (const v of vectors.log_record) lines.push(`log_record ${v.body} ${v.level} ${hex(v.context)} ${hex(v.message)}`);
  return `${lines.join('\n')}\n`;
}

describe('native/protocol C unit tests', () => {
  it('pass, including every shared vector (built with ASan and UBSan)', () => {
    buildNativeSim();
    const run = spawnSync(path.join(root, 'build', 'native-sim', 'wrt-proto-unit'), [], { input: vectorLines(), encoding: 'utf8' });
    expect(run.stdout).not.toContain('FAIL');
    expect(run.status).toBe(0);
    const summary = /passed (\d+) failed (\d+)/.exec(run.stdout);
    /* Checks per vector (2 per CRC, COBS and frame, 1 per SHA, 2 + args per INVOKE) plus the fixed tests. */
    const vectorChecks =
      vectors.crc32.length * 2 +
      vectors.sha256.length +
      vectors.cobs.length * 2 +
      vectors.frames.length * 2 +
      vectors.invoke.reduce((n, v) => n + 2 + v.args.length, 0) +
      vectors.session.length * 2 +
      vectors.named.length * 2 +
      vectors.invoke_on.reduce((n, v) => n + 4 + v.args.length, 0) +
      vectors.host_imports.reduce((n, v) => n + 2 + v.imports.length * 4, 0) +
      vectors.host_call.length +
      vectors.host_result.reduce((n, v) => n + 2 + v.results.length, 0) +
      vectors.host_trace.length +
      vectors.log_record.length * 2;
    expect(Number(summary?.[1])).toBeGreaterThanOrEqual(vectorChecks + 20);
    expect(summary?.[2]).toBe('0');
  });

  it('fails when a vector is wrong (the runner can fail)', () => {
    buildNativeSim();
    const run = spawnSync(path.join(root, 'build', 'native-sim', 'wrt-proto-unit'), [], {
      input: 'crc32 313233343536373839 cbf43927\n',
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('crc32 vector: got cbf43926 want cbf43927');
  });

  it('needs nothing from libc: the protocol objects have no undefined symbols', () => {
    const symbols = makeNativeSim('symbols');
    expect(symbols.trim()).toBe('');
  });

  it('builds freestanding for Cortex-M4 with nothing undefined', () => {
    const probe = spawnSync('arm-none-eabi-gcc', ['--version']);
    /* The toolchain is installed by the setup script; without it this check cannot run. */
    if (probe.status !== 0) return;
    const symbols = makeNativeSim('cortex-m');
    expect(symbols.trim()).toBe('');
  });
});
