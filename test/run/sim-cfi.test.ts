/**
 * The CFI block of a run: native-sim's own ELF marks and its process state, never the Node
 * process's. The process half is checked on recorded /proc status texts (this kernel prints no
 * x86_Thread_features line) and on the live file of a real run.
 */
import * as fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BufferedOutput } from '../../ts/core/output.js';
import { main } from '../../ts/cli/main.js';
import { analyzeElf } from '../../ts/cfi/file-report.js';
import { runModule } from '../../ts/run/run-module.js';
import { runCfi } from '../../ts/run/sim-cfi.js';
import { buildRealNativeSim, watFixture } from './helpers.js';

let sim = '';
let addWasm = '';

beforeAll(() => {
  sim = buildRealNativeSim();
  addWasm = watFixture('add');
});

/** A status of a process the kernel runs with a locked shadow stack (Linux 6.6+ with CONFIG_X86_USER_SHADOW_STACK). */
const SHSTK_STATUS = 'Name:\tnative-sim\nState:\tS (sleeping)\nx86_Thread_features:\tshstk wrss\nx86_Thread_features_locked:\tshstk\n';
const NO_CET_STATUS = 'Name:\tnative-sim\nState:\tS (sleeping)\nCpus_allowed:\tff\n';

describe('runCfi', () => {
  it('takes the shadow stack state from x86_Thread_features and names the file', () => {
    const cfi = runCfi('/sim', 7, { unread: 'not read' }, { path: '/proc/7/status', text: SHSTK_STATUS });
    expect(cfi.process).toEqual({
      shadowStack: { value: true, source: '/proc/7/status x86_Thread_features while native-sim ran' },
      features: { value: ['shstk', 'wrss'], source: '/proc/7/status x86_Thread_features while native-sim ran' },
      locked: { value: ['shstk'], source: '/proc/7/status x86_Thread_features_locked while native-sim ran' },
    });
  });

  it('says unknown, with why, when the kernel prints no CET line or the file is unreadable', () => {
    const none = runCfi(null, 7, { unread: 'x' }, { path: '/proc/7/status', text: NO_CET_STATUS });
    expect(none.process.shadowStack).toEqual({ value: null, source: '/proc/7/status has no x86_Thread_features line: the kernel has no user shadow stack support (or is not x86)' });
    const gone = runCfi(null, 7, { unread: 'x' }, { path: '/proc/7/status', text: null, reason: 'ENOENT: no such file' });
    expect(gone.process.locked).toEqual({ value: null, source: '/proc/7/status: unreadable (ENOENT: no such file)' });
    const empty = runCfi(null, 7, { unread: 'x' }, { path: '/proc/7/status', text: 'x86_Thread_features:\t\n' });
    expect(empty.process.shadowStack.value).toBe(false);
    expect(empty.process.locked.value).toBeNull();
  });

  it('reads the ELF marks through the cfi-report reader', () => {
    const report = analyzeElf(new Uint8Array(fs.readFileSync(sim)), sim);
    const cfi = runCfi(sim, null, { report }, null);
    expect(cfi.elf.ibt).toEqual({ value: true, source: `${sim}: IBT set: GNU_PROPERTY_X86_FEATURE_1_AND = 0x3 in PT_GNU_PROPERTY` });
    expect(cfi.elf.shstk.value).toBe(true);
    expect(cfi.process.shadowStack.value).toBeNull();
  });
});

describe('run --json', () => {
  it('reports native-sim (binary, pid, marks, /proc state), not the Node process', async () => {
    const out = new BufferedOutput();
    const code = await main(['node', 'wrt-target', 'run', addWasm, '--invoke', 'add', '--json', '2', '3'], {
      output: out,
      env: { ...process.env, WRT_NATIVE_SIM: sim },
    });
    expect(code).toBe(0);
    const cfi = (JSON.parse(out.text) as { cfi: { binary: string; pid: number; elf: { ibt: { value: boolean; source: string } }; process: { shadowStack: { source: string } } } }).cfi;
    expect(cfi.binary).toBe(sim);
    expect(cfi.pid).not.toBe(process.pid);
    expect(cfi.elf.ibt).toEqual({ value: true, source: `${sim}: IBT set: GNU_PROPERTY_X86_FEATURE_1_AND = 0x3 in PT_GNU_PROPERTY` });
    expect(cfi.process.shadowStack.source).toContain(`/proc/${cfi.pid}/status`);
  });

  it('reads the status of the running native-sim while it is alive', async () => {
    const asked: number[] = [];
    const report = await runModule(
      { file: addWasm, invoke: 'add', args: ['1', '2'] },
      { stdout: () => undefined, stderr: () => undefined },
      {
        handleSigint: false,
        env: { ...process.env, WRT_NATIVE_SIM: sim },
        readProcessStatus: async (pid) => {
          asked.push(pid);
          const live = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
          expect(live).toMatch(/^Name:\s+native-sim$/m);
          return { path: `/proc/${pid}/status`, text: `${live}${SHSTK_STATUS.split('\n').slice(2).join('\n')}` };
        },
      },
    );
    expect(asked).toEqual([report.cfi.pid]);
    expect(report.cfi.process.shadowStack.value).toBe(true);
    expect(report.cfi.process.locked.value).toEqual(['shstk']);
  });
});
