/**
 * What a device executor sends for a test's entry: the export (or `_start` for a WASI command),
 * its arguments as wire values and how many results to expect; or the rejection a call with the
 * wrong arguments gets, decided on the host from the module's own signature. Pure.
 */
import type { WireValue } from '../../device/messages.js';
import type { ExecutableTest, TestOutcome } from '../executor.js';
import { exportSignature } from '../signature.js';
import { toWire } from './native-sim.js';

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
