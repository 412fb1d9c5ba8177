/**
 * The component-model execution tests (test/values, test/linking, test/resources) run on
 * native-sim through the protocol (tools/component/run-runner.ts): a table per file, the skips with
 * their reasons, and the line `N passed, N failed, N skipped`.
 *
 * Run: npm run conformance:component-run [-- --in-process] [-- --failures] [name-part …]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../ts/core/paths.js';
import { DeviceSession } from '../../ts/run/session.js';
import { nativeSimLink } from '../../ts/run/run-module.js';
import { convertComponentSuites, RUN_SUITES } from '../../tools/component/convert.js';
import { type RunFileResult, runComponentExecScript } from '../../tools/component/run-runner.js';
import { buildInProcessSim, openInProcessSim } from '../../tools/sim/inproc.js';
import { parseSkipList, type SkipEntry } from '../../tools/component/runner.js';
import { runScript, scriptProgram } from '../../ts/core/script-cli.js';

export function componentRunSkipList(): SkipEntry[] {
  return parseSkipList(readFileSync(resolve(packageRoot(), 'test', 'component', 'run-skip.txt'), 'utf8'));
}

export interface ComponentRunConformance {
  readonly files: readonly RunFileResult[];
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

/**
 * Every script on one native-sim (each component resets the session first): a native-sim process
 * through its stdio, or with `inProcess` the same device code in this process
 * (tools/sim/inproc.ts), so the two runs can be compared file by file.
 */
export async function componentRunConformance(
  only?: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  options: { readonly inProcess?: boolean } = {},
): Promise<ComponentRunConformance> {
  const skips = componentRunSkipList();
  const scripts = await convertComponentSuites({ suites: RUN_SUITES, env, ...(only !== undefined && only.length > 0 ? { only } : {}) });
  // Region caps as run gives a component of several core instances (componentRegionArgs), fixed for all.
  const extraArgs = ['--memory-pages-max', '16', '--table-elements-max', '1024'];
  if (options.inProcess === true) buildInProcessSim();
  const session = await DeviceSession.open(
    nativeSimLink({
      env,
      extraArgs,
      client: { requestTimeoutMs: 60_000, maxResends: 1 },
      ...(options.inProcess === true ? { openTransport: openInProcessSim } : {}),
    }),
  );
  const files: RunFileResult[] = [];
  try {
    for (const script of scripts) files.push(await runComponentExecScript(session, script, skips));
  } finally {
    await session.close();
  }
  const sum = (key: 'passed' | 'failed' | 'skipped'): number => files.reduce((n, f) => n + f[key], 0);
  return { files, passed: sum('passed'), failed: sum('failed'), skipped: sum('skipped') };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const program = scriptProgram('conformance:component-run', 'component-model execution tests on native-sim through the protocol')
    .argument('[files...]', 'only these .wast files')
    .option('--in-process', "native-sim's device code loaded into this process (build/native-sim/libwrt-sim.so) instead of a native-sim process")
    .option('--failures', 'list every failed assertion')
    .option('--skips', 'list every skipped assertion with its reason');
  await runScript(program, async (p) => {
    const opts = p.opts<{ failures?: boolean; skips?: boolean; inProcess?: boolean }>();
    const result = await componentRunConformance(p.args, process.env, { inProcess: opts.inProcess === true });
    console.log(`${'file'.padEnd(58)} ${'pass'.padStart(5)} ${'fail'.padStart(5)} ${'skip'.padStart(5)}`);
    for (const file of result.files) {
      console.log(`${file.file.slice(-58).padEnd(58)} ${String(file.passed).padStart(5)} ${String(file.failed).padStart(5)} ${String(file.skipped).padStart(5)}`);
      if (opts.failures === true) for (const f of file.failures) console.log(`  FAIL ${file.file}:${f.line} ${f.why}`);
      if (opts.skips === true) for (const s of file.skips) console.log(`  SKIP ${file.file}:${s.line} ${s.why}`);
    }
    for (const dir of ['values', 'linking', 'resources']) {
      const fs = result.files.filter((f) => f.file.startsWith(`cm-${dir}:`));
      const n = (k: 'passed' | 'failed' | 'skipped'): number => fs.reduce((a, f) => a + f[k], 0);
      console.log(`${dir}: ${n('passed')} passed, ${n('failed')} failed, ${n('skipped')} skipped`);
    }
    console.log(`${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped`);
    return result.failed === 0 ? 0 : 1;
  });
}
