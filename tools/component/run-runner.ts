/**
 * Runs the component-model's execution tests (test/values, test/linking, test/resources) on a
 * device through the protocol, the way `run COMPONENT --invoke` runs a call: each `(component ...)`
 * (or `(component instance $i $Def)`) is compiled into its plan and instantiated on the device
 * (ts/run/session.ts instantiateComponent), then each `assert_return` / `assert_trap` of an
 * `(invoke "f" args...)` is one COMPONENT_INVOKE on that instantiation, whose state carries over
 * from call to call as the scripts expect.
 *
 * Asserts of a component the plan cannot run count as failed unless the skip list names them
 * with a reason (test/component/run-skip.txt).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CType } from '../../ts/component/ctype.js';
import { compilePlan, type ComponentPlan, type PlanFunction } from '../../ts/component/plan.js';
import { validateComponent } from '../../ts/component/validator.js';
import { type CValue, encodeValues } from '../../ts/component/value-encoding.js';
import { type Form, head, topLevelForms } from '../../ts/component/wast-script.js';
import { componentInvokeFields } from '../../ts/run/run-component.js';
import { type DeviceSession, instantiateComponent, memoryInstanceId } from '../../ts/run/session.js';
import type { ConvertedComponentScript } from './convert.js';
import type { SkipEntry } from './runner.js';

export interface RunFileResult {
  readonly file: string;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly failures: readonly { readonly line: number; readonly why: string }[];
  readonly skips: readonly { readonly line: number; readonly why: string }[];
}

/** An s-expression of the script's value syntax. */
type Sx = string | { readonly str: string } | readonly Sx[];

function parseSx(text: string): Sx[] {
  const stack: Sx[][] = [[]];
  let i = 0;
  // Bounded: every turn consumes at least one character.
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '(') {
      stack.push([]);
      i++;
    } else if (ch === ')') {
      const done = stack.pop() as Sx[];
      (stack[stack.length - 1] as Sx[]).push(done);
      i++;
    } else if (ch === '"') {
      let j = i + 1;
      const bytes: number[] = [];
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\') {
          const next = text[j + 1] as string;
          if (/[0-9a-fA-F]/.test(next)) {
            bytes.push(Number.parseInt(text.slice(j + 1, j + 3), 16));
            j += 3;
          } else if (next === 'u') {
            const close = text.indexOf('}', j);
            bytes.push(...new TextEncoder().encode(String.fromCodePoint(Number.parseInt(text.slice(j + 3, close), 16))));
            j = close + 1;
          } else {
            bytes.push(({ n: 10, t: 9, r: 13 } as Record<string, number>)[next] ?? next.charCodeAt(0));
            j += 2;
          }
        } else {
          const cp = text.codePointAt(j) as number;
          const s = String.fromCodePoint(cp);
          bytes.push(...new TextEncoder().encode(s));
          j += s.length;
        }
      }
      (stack[stack.length - 1] as Sx[]).push({ str: new TextDecoder().decode(new Uint8Array(bytes)) });
      i = j + 1;
    } else if (/\s/.test(ch)) i++;
    else if (ch === ';' && text[i + 1] === ';') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else {
      let j = i;
      while (j < text.length && !/[\s()"]/.test(text[j] as string)) j++;
      (stack[stack.length - 1] as Sx[]).push(text.slice(i, j));
      i = j;
    }
  }
  return stack[0] as Sx[];
}

const isList = (x: Sx | undefined): x is readonly Sx[] => Array.isArray(x);
const isStr = (x: Sx | undefined): x is { readonly str: string } => x !== undefined && !Array.isArray(x) && typeof x === 'object';

function parseNumber(text: string, float: boolean): number | bigint {
  const t = text.replace(/_/g, '');
  if (float) {
    if (/^[+-]?nan/.test(t)) return Number.NaN;
    if (/^[+-]?inf/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
    return Number(t);
  }
  const neg = t.startsWith('-');
  const body = t.replace(/^[+-]/, '');
  const v = BigInt(body);
  return neg ? -v : v;
}

/** A script value (`(u32.const 1)`, `(record.const (field "a" u32.const 1))`, ...) as a CValue of type t. */
function valueOf(t: CType, form: readonly Sx[]): CValue {
  const [op, ...args] = form;
  const fail = (): never => {
    throw new Error(`value ${JSON.stringify(form)} does not fit ${t.k}`);
  };
  switch (t.k) {
    case 'bool':
      return { k: 'bool', v: args[0] === 'true' };
    case 's8':
    case 'u8':
    case 's16':
    case 'u16':
    case 's32':
    case 'u32':
    case 's64':
    case 'u64': {
      let v = parseNumber(String(args[0]), false) as bigint;
      // i32.const / i64.const spell unsigned values as signed and vice versa.
      const bits = t.k.endsWith('64') ? 64n : t.k.endsWith('32') ? 32n : t.k.endsWith('16') ? 16n : 8n;
      if (t.k.startsWith('u') && v < 0n) v += 1n << bits;
      if (t.k.startsWith('s') && v >= 1n << (bits - 1n)) v -= 1n << bits;
      return { k: 'int', v };
    }
    case 'f32':
    case 'f64':
      return { k: 'float', v: parseNumber(String(args[0]), true) as number };
    case 'char': {
      const s = isStr(args[0]) ? args[0].str : fail();
      return { k: 'char', v: s.codePointAt(0) as number };
    }
    case 'string':
      return { k: 'string', v: isStr(args[0]) ? args[0].str : fail() };
    case 'list':
      return { k: 'list', items: args.map((a) => valueOf(t.t, isList(a) ? a : fail())) };
    case 'tuple':
      return { k: 'tuple', items: t.ts.map((et, i) => valueOf(et, isList(args[i]) ? (args[i] as readonly Sx[]) : fail())) };
    case 'record':
      return {
        k: 'record',
        fields: t.fields.map(([name, ft]) => {
          const field = args.find((a) => isList(a) && isStr(a[1]) && a[1].str === name) as readonly Sx[] | undefined;
          if (field === undefined) return fail();
          return valueOf(ft, field.slice(2));
        }),
      };
    case 'variant': {
      const name = isStr(args[0]) ? args[0].str : fail();
      const index = t.cases.findIndex(([n]) => n === name);
      const pt = t.cases[index]?.[1] ?? null;
      return { k: 'case', index, payload: pt === null ? null : valueOf(pt, isList(args[1]) ? args[1] : fail()) };
    }
    case 'enum': {
      const name = isStr(args[0]) ? args[0].str : fail();
      return { k: 'case', index: t.names.indexOf(name), payload: null };
    }
    case 'option':
      if (op === 'option.none') return { k: 'case', index: 0, payload: null };
      return { k: 'case', index: 1, payload: valueOf(t.t, isList(args[0]) ? args[0] : fail()) };
    case 'result': {
      const ok = op === 'result.ok';
      const pt = ok ? t.ok : t.err;
      return { k: 'case', index: ok ? 0 : 1, payload: pt === null || args[0] === undefined ? null : valueOf(pt, isList(args[0]) ? args[0] : fail()) };
    }
    case 'flags': {
      const names = new Set(args.map((a) => (isStr(a) ? a.str : '')));
      return { k: 'flags', set: t.names.map((n) => names.has(n)) };
    }
    default:
      return fail();
  }
}

/** Trap codes an assert_trap message admits (COMPONENT_INVOKE's codes, docs/protocol.md §4e); undefined: any trap. */
function trapCodesFor(message: string): readonly number[] | undefined {
  const m = message.replace(/^wasm trap: /, '');
  if (m === 'unreachable' || m.startsWith('unreachable')) return [1];
  if (m.includes('`char` bit pattern')) return [65];
  if (m.includes('variant discriminant')) return [66];
  if (m.includes('unaligned') || m.includes('not aligned')) return [68];
  if (m.includes('out-of-bounds') || m.includes('out of bounds') || m.includes('beyond end of memory')) return [67, 73];
  if (m.includes('utf-8')) return [69];
  if (m.startsWith('unknown handle index') || m.includes('used with the wrong type') || m.includes('while borrowed') || m.includes('borrow handles still remain')) return [72];
  return undefined;
}

interface Live {
  readonly plan: ComponentPlan;
  readonly ids: readonly number[];
}

const bytesEqual = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** Runs one converted script on the session. */
export async function runComponentExecScript(session: DeviceSession, script: ConvertedComponentScript, skips: readonly SkipEntry[]): Promise<RunFileResult> {
  const file = `${script.suite}:${script.name}`;
  const text = readFileSync(script.wastPath, 'utf8');
  const wasmByLine = new Map(script.commands.filter((c) => c.kind === 'component').map((c) => [c.line, c.wasm]));
  const fileSkip = skips.find((s) => s.key === file);
  const definitions = new Map<string, string | null>();
  let live: Live | { readonly error: string } | null = null;
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const failures: { line: number; why: string }[] = [];
  const skipList: { line: number; why: string }[] = [];

  const instantiate = async (wasm: string | null | undefined): Promise<Live | { error: string }> => {
    if (wasm === null || wasm === undefined) return { error: 'jco could not convert the component' };
    try {
      const bytes = new Uint8Array(readFileSync(join(script.dir, wasm)));
      const plan = compilePlan(validateComponent(bytes), bytes, wasm);
      const { ids } = await instantiateComponent(session, { file: wasm, instances: plan.instances, adapters: plan.adapters, resources: plan.resources, steps: plan.steps });
      return { plan, ids };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  };

  for (const form of topLevelForms(text, 0, text.length) as Form[]) {
    const kind = head(text, form);
    const source = text.slice(form.start, form.end);
    if (kind === 'component') {
      const inst = /^\(\s*component\s+instance\s+(\$[^\s)]+)\s+(\$[^\s)]+)/.exec(source);
      if (inst !== null) {
        live = await instantiate(definitions.get(inst[2] as string));
        continue;
      }
      const def = /^\(\s*component\s+definition\s+(\$[^\s)]+)/.exec(source);
      if (def !== null) {
        definitions.set(def[1] as string, wasmByLine.get(form.line) ?? null);
        continue;
      }
      live = fileSkip !== undefined ? null : await instantiate(wasmByLine.get(form.line));
      continue;
    }
    if (kind !== 'assert_return' && kind !== 'assert_trap') continue;
    const line = form.line;
    const skip = fileSkip ?? skips.find((s) => s.key === `${file}:${line}`);
    if (skip !== undefined) {
      skipped += 1;
      skipList.push({ line, why: skip.reason });
      continue;
    }
    const fail = (why: string): void => {
      failed += 1;
      failures.push({ line, why });
    };
    if (live === null) {
      fail('no component instantiated');
      continue;
    }
    if ('error' in live) {
      fail(live.error);
      continue;
    }
    const sx = parseSx(source)[0] as readonly Sx[];
    const invoke = sx[1] as readonly Sx[];
    const name = isStr(invoke[1]) ? invoke[1].str : '';
    const fn: PlanFunction | undefined = live.plan.functions.find((f) => f.name === name);
    if (fn === undefined) {
      fail(live.plan.refused.find((r) => r.name === name)?.reason ?? `no function ${name}`);
      continue;
    }
    let args: Uint8Array;
    let expected: Uint8Array | null = null;
    try {
      const values = fn.params.map(([, t], i) => valueOf(t, invoke[2 + i] as readonly Sx[]));
      args = encodeValues(fn.params.map(([, t]) => t), values);
      if (kind === 'assert_return') {
        const want = sx[2];
        expected = fn.result === null || want === undefined ? new Uint8Array() : encodeValues([fn.result], [valueOf(fn.result, want as readonly Sx[])]);
      }
    } catch (error) {
      fail(`the script's values: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    let answer;
    try {
      answer = await session.client.componentInvoke({
        instance: live.ids[fn.instance] ?? 0,
        ...componentInvokeFields(fn, args),
        ...(fn.memoryOwner === null ? {} : { memoryInstance: memoryInstanceId(session.device, live.ids, fn.memoryOwner) }),
        fuel: 100_000_000n,
      });
    } catch (error) {
      fail(`COMPONENT_INVOKE: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    if (kind === 'assert_return') {
      if (answer.trap !== 0) fail(`trapped with code ${answer.trap} in phase ${answer.phase}`);
      else if (!bytesEqual(answer.values, expected as Uint8Array)) fail(`returned ${Buffer.from(answer.values).toString('hex')}, expected ${Buffer.from(expected as Uint8Array).toString('hex')}`);
      else passed += 1;
    } else {
      const message = isStr(sx[2]) ? sx[2].str : '';
      const codes = trapCodesFor(message);
      if (answer.trap === 0) fail(`returned, expected a trap "${message}"`);
      else if (codes !== undefined && !codes.includes(answer.trap)) fail(`trap code ${answer.trap}, expected "${message}" (${codes.join(' or ')})`);
      else passed += 1;
    }
  }
  return { file, passed, failed, skipped, failures, skips: skipList };
}
