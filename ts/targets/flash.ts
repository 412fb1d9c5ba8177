import { WrtError } from '../core/errors.js';
import { SPLICE_PLACEHOLDER, isEmulatorPlaceholder, isInputPlaceholder, splitTemplate, type FlashInputName } from './template.js';
import type { FlashRunner, TargetDefinition } from './types.js';

/** What the caller supplies for the {placeholders}: image files and host-side devices. */
export type FlashInputs = { readonly [K in FlashInputName]?: string };

export interface FlashCommand {
  readonly target: string;
  readonly runner: FlashRunner;
  /** Run in order; each is a complete argv (program first). Empty for runner none. */
  readonly commands: readonly (readonly string[])[];
}

/**
 * A value substituted into part of an argument lands inside another tool's own language (an
 * OpenOCD Tcl command such as "program {elf} verify reset exit"), where these characters would
 * change its meaning. A value that is a whole argument is passed through unchanged.
 */
const UNSAFE_EMBEDDED = /[\s{}"'`;[\]$\\]/;

/**
 * The exact argv list the runner would execute (the basis of `deploy --dry-run`). Pure: builds
 * from the definition's templates, runs nothing. `runner` picks a method other than the default
 * (first) one.
 */
export function flashCommand(def: TargetDefinition, inputs: FlashInputs, runner?: FlashRunner): FlashCommand {
  const method = runner === undefined ? def.flashMethods[0] : def.flashMethods.find((candidate) => candidate.runner === runner);
  if (method === undefined) {
    throw new WrtError('VALUE_INVALID', `target ${def.id} has no flash method ${runner ?? '(none declared)'}`, {
      field: 'runner',
      limit: `one of ${def.flashMethods.map((candidate) => candidate.runner).join(' | ')}`,
    });
  }
  const commands = method.commands.map((command) =>
    command.flatMap((element) => expandElement(def, method.runner, element, inputs)),
  );
  return { target: def.id, runner: method.runner, commands };
}

function expandElement(def: TargetDefinition, runner: FlashRunner, element: string, inputs: FlashInputs): string[] {
  const parsed = splitTemplate(element);
  if (!parsed.ok) {
    throw new WrtError('TARGET_INVALID', `flash command element ${JSON.stringify(element)}: ${parsed.reason}`, { field: `flashMethods[${runner}]` });
  }
  const embedded = parsed.parts.length > 1;
  let out = '';
  for (const part of parsed.parts) {
    if (part.kind === 'text') {
      out += part.text;
      continue;
    }
    if (part.name === SPLICE_PLACEHOLDER && !embedded) {
      return [...emulatorOf(def, part.name).args];
    }
    const value = placeholderValue(def, runner, part.name, inputs);
    if (embedded && UNSAFE_EMBEDDED.test(value)) {
      throw new WrtError('VALUE_INVALID', `the ${part.name} value ${JSON.stringify(value)} cannot be embedded in the ${runner} argument ${JSON.stringify(element)}`, {
        field: part.name,
        limit: 'no whitespace, quotes, braces, brackets, $, ; or backslash inside an embedded value',
      });
    }
    out += value;
  }
  return [out];
}

function placeholderValue(def: TargetDefinition, runner: FlashRunner, name: string, inputs: FlashInputs): string {
  if (isInputPlaceholder(name)) {
    const value = inputs[name];
    if (value === undefined || value === '') {
      throw new WrtError('VALUE_INVALID', `flashing ${def.id} with ${runner} needs the ${name} input`, { field: name });
    }
    return value;
  }
  if (isEmulatorPlaceholder(name)) {
    const emulator = emulatorOf(def, name);
    return name === 'emulator.binary' ? emulator.binary : emulator.machine;
  }
  throw new WrtError('TARGET_INVALID', `flash command of ${def.id} uses the unknown placeholder {${name}}`, { field: `flashMethods[${runner}]` });
}

function emulatorOf(def: TargetDefinition, name: string): NonNullable<TargetDefinition['emulator']> {
  if (def.emulator === undefined) {
    throw new WrtError('TARGET_INVALID', `flash command of ${def.id} uses {${name}} but the target has no emulator`, { field: '/emulator' });
  }
  return def.emulator;
}
