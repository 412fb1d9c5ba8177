import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../ts/cli/main.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { packageRoot } from '../../ts/core/paths.js';

async function run(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: BufferedOutput }> {
  const out = new BufferedOutput();
  const code = await main(['node', 'wrt-target', ...args], { output: out, env, cwd: packageRoot() });
  return { code, out };
}

/** The compiled CLI as a user runs it (npm test builds dist/ first). */
function cli(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['bin/wrt-target.js', ...args], { cwd: packageRoot(), encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('wrt-target command line', () => {
  it('lists its commands and the exit codes in --help', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    const help = out.stdout.join('\n');
    expect(help).toMatch(/^\s+probe\b/m);
    expect(help).toMatch(/^\s+cfi-report\b/m);
    expect(help).toMatch(/3\s+environment missing/);
  });

  it.each(['probe', 'cfi-report'])('%s has --json and examples in its --help', async (command) => {
    const { code, out } = await run([command, '--help']);
    expect(code).toBe(0);
    const help = out.stdout.join('\n');
    expect(help).toContain('--json');
    expect(help).toMatch(/Examples:\n\s+wrt-target /);
  });

  it('exits 2 on an unknown option', async () => {
    const { code, out } = await run(['probe', '--no-such-flag']);
    expect(code).toBe(2);
    expect(out.stderr.join('\n')).toContain("unknown option '--no-such-flag'");
  });

  it('prints a typed error as JSON under --json and exits with its code', async () => {
    const { code, out } = await run(['probe', '--target', 'no-such-board', '--json']);
    expect(code).toBe(2);
    const printed = JSON.parse(out.stdout.join('\n')) as { error: { code: string; exitCode: number; location: { field: string } } };
    expect(Object.entries(printed).slice(0, 2)).toEqual([['schema', 'wrt-target/error'], ['schemaVersion', 1]]);
    expect(printed.error).toMatchObject({ code: 'TARGET_UNKNOWN', exitCode: 2, location: { field: '--target' } });
    expect(out.stderr.join('\n')).toMatch(/^wrt-target: error\[TARGET_UNKNOWN\]: --target: no target "no-such-board"; known targets: .*qemu-mps2-an386/);
  });

  it('exits 2 and names the file for a missing ELF file', async () => {
    const { code, out } = await run(['cfi-report', 'no/such/file.elf']);
    expect(code).toBe(2);
    expect(out.stderr.join('\n')).toContain('error[FILE_NOT_FOUND]: no/such/file.elf');
  });

  it('exits 2 for a config file with an unknown key, naming the field', async () => {
    const { code, out } = await run(['probe', '--config', 'test/fixtures/cli/unknown-key.yaml']);
    expect(code).toBe(2);
    expect(out.stderr.join('\n')).toMatch(/error\[CONFIG_SCHEMA\]: test\/fixtures\/cli\/unknown-key\.yaml: line \d+: \/limits\/maxMemroy: \/limits\/maxMemroy is not a known field; did you mean maxMemory\?/);
  });
});

describe('acceptance on this machine (compiled CLI)', () => {
  const probeRun = cli(['probe', '--json']);
  const report = JSON.parse(probeRun.stdout) as {
    subject: {
      memory: { memTotalBytes: { value: number } };
      cgroup: { memory: { state: string; source: string } };
      container: { detected: boolean };
      vm: { detected: boolean };
    };
    limits: { maxMemory: { value: number } };
  };

  it('probe --json exits 0 and shows MemTotal as /proc/meminfo has it', () => {
    expect(probeRun.status).toBe(0);
    expect(Object.entries(report).slice(0, 2)).toEqual([['schema', 'wrt-target/probe'], ['schemaVersion', 1]]);
    const memTotalKb = /^MemTotal:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1];
    expect(report.subject.memory.memTotalBytes.value).toBe(Number(memTotalKb) * 1024);
  });

  it('reports the cgroup memory limit as the memory controller file says', () => {
    const cgroupLine = readFileSync('/proc/self/cgroup', 'utf8')
      .split('\n')
      .find((line) => /^\d+:([^:]*,)?memory(,[^:]*)?:/.test(line));
    if (cgroupLine === undefined) {
      // A cgroup v2-only machine: the v1 promise does not apply; v2 is covered by recorded scenarios.
      expect(report.subject.cgroup.memory.source).toMatch(/cgroup v2|no memory controller/);
      return;
    }
    const path = cgroupLine.split(':')[2] ?? '/';
    const limit = BigInt(readFileSync(`/sys/fs/cgroup/memory${path}/memory.limit_in_bytes`, 'utf8').trim());
    const expected = limit >= 9223372036854710272n ? 'unlimited' : 'limited';
    expect(report.subject.cgroup.memory.state).toBe(expected);
    expect(report.subject.cgroup.memory.source).toContain('cgroup v1 memory.limit_in_bytes');
  });

  it('detects the container and the VM this machine is', () => {
    // The reference machines are Firecracker VMs that also carry /.dockerenv (DEVELOPERS.md).
    expect(report.subject.container.detected).toBe(true);
    expect(report.subject.vm.detected).toBe(true);
  });

  it('cfi-report --json exits 0 and finds no CET marks on /usr/bin/node', () => {
    const cfi = cli(['cfi-report', '/usr/bin/node', '--json']);
    expect(cfi.status).toBe(0);
    const parsed = JSON.parse(cfi.stdout) as { files: { file: string; marks: { feature: string; state: string }[] }[] };
    expect(Object.entries(parsed).slice(0, 2)).toEqual([['schema', 'wrt-target/cfi-report'], ['schemaVersion', 1]]);
    const node = parsed.files.find((f) => f.file === '/usr/bin/node');
    expect(node?.marks.map((m) => [m.feature, m.state])).toEqual([
      ['shstk', 'absent'],
      ['ibt', 'absent'],
    ]);
  });
});
