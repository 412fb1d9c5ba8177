/**
 * What a device executor sends for a test's entry: the export (or `_start` for a WASI command),
 * its arguments as wire values and how many results to expect; or the rejection a call with the
 * wrong arguments gets, decided on the host from the module's own signature; and what the
 * device's INVOKE answer means for the test. Pure.
 */
import type { InvokeResult, WireValue } from '../../device/messages.js';
import { TRAP_EXIT, trapMessage } from '../../device/engine-codes.js';
import type { ExecutableTest, TestOutcome } from '../executor.js';
import { exportSignature } from '../../wasm/signatures.js';
import { fromWire, type ObservedValue, toWire } from '../../wasm/values.js';

export interface EntryPlan {
  readonly name: string;
  readonly args: readonly WireValue[];
  readonly resultCount: number;
}

export function planEntry(test: ExecutableTest): EntryPlan | Extract<TestOutcome, { kind: 'rejected' }> {
  const entry = test.entry;
  if (entry.kind !== 'invoke') return { name: '_start', args: [], resultCount: 0 };
  const signature = exportSignature(test.module.bytes, entry.export);
  if (signature === undefined) return { name: entry.export, args: entry.args.map(toWire), resultCount: 0 };
  const argTypes = entry.args.map((a) => a.type);
  if (argTypes.length !== signature.params.length || argTypes.some((t, i) => t !== signature.params[i])) {
    const shown = `(${signature.params.join(', ')}) -> (${signature.results.join(', ')})`;
    return { kind: 'rejected', stage: 'entry', message: `${entry.export} is ${shown}; called with (${argTypes.join(', ')})` };
  }
  return { name: entry.export, args: entry.args.map(toWire), resultCount: signature.results.length };
}

/** The outcome of an INVOKE answer: an exit (proc_exit, or a command's return), a trap, or results. */
export function outcomeOfAnswer(
  answer: InvokeResult,
  test: ExecutableTest,
  plan: EntryPlan,
  streams: { readonly stdout: string; readonly stderr: string; readonly hostCalls?: readonly string[]; readonly logs?: readonly string[] },
): TestOutcome {
  if (answer.trap === TRAP_EXIT) return { kind: 'exited', exitCode: answer.trapFunction, ...streams };
  if (answer.trap !== 0) {
    return { kind: 'trapped', trap: [trapMessage(answer.trap)], detail: `trap code ${answer.trap} in function ${answer.trapFunction}`, ...streams };
  }
  if (test.entry.kind === 'command') return { kind: 'exited', exitCode: 0, ...streams };
  const results = answer.results.map(fromWire);
  if (results.length !== plan.resultCount || results.some((r) => r === undefined)) {
    return { kind: 'rejected', stage: 'entry', message: `${plan.name}: only numeric results can be checked` };
  }
  return { kind: 'returned', results: results.filter((r): r is ObservedValue => r !== undefined), ...streams };
}
