/**
 * Flash command templates: argv elements with {placeholder}s. Shared by the semantic check (which
 * rejects unknown placeholders when a definition loads) and flashCommand (which fills them in).
 */

/** Filled from what the caller hands to flashCommand: image files and host-side devices. */
export const INPUT_PLACEHOLDERS = ['elf', 'hex', 'bin', 'uf2', 'port', 'mount'] as const;
export type FlashInputName = (typeof INPUT_PLACEHOLDERS)[number];

/** Filled from the definition's emulator section. */
export const EMULATOR_PLACEHOLDERS = ['emulator.binary', 'emulator.machine'] as const;

/** Replaced by several argv elements; only allowed as a whole element. */
export const SPLICE_PLACEHOLDER = 'emulator.args';

export type TemplatePart = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'placeholder'; readonly name: string };

export type TemplateParse =
  | { readonly ok: true; readonly parts: readonly TemplatePart[] }
  | { readonly ok: false; readonly reason: string };

const NAME = /^[a-z][a-z0-9]*(\.[a-z][a-z0-9]*)?$/;

/** Splits one argv element into text and placeholders; any brace not part of `{name}` is an error. */
export function splitTemplate(element: string): TemplateParse {
  const parts: TemplatePart[] = [];
  let text = '';
  let index = 0;
  while (index < element.length) {
    const char = element[index];
    if (char === '}') return { ok: false, reason: `unmatched "}" at character ${index}` };
    if (char !== '{') {
      text += char;
      index += 1;
      continue;
    }
    const close = element.indexOf('}', index + 1);
    if (close === -1) return { ok: false, reason: `unterminated "{" at character ${index}` };
    const name = element.slice(index + 1, close);
    if (!NAME.test(name)) return { ok: false, reason: `"{${name}}" is not a placeholder name` };
    if (text !== '') parts.push({ kind: 'text', text });
    text = '';
    parts.push({ kind: 'placeholder', name });
    index = close + 1;
  }
  if (text !== '') parts.push({ kind: 'text', text });
  return { ok: true, parts };
}

export function isInputPlaceholder(name: string): name is FlashInputName {
  return (INPUT_PLACEHOLDERS as readonly string[]).includes(name);
}

export function isEmulatorPlaceholder(name: string): name is (typeof EMULATOR_PLACEHOLDERS)[number] {
  return (EMULATOR_PLACEHOLDERS as readonly string[]).includes(name);
}

export function knownPlaceholders(): string {
  return [...INPUT_PLACEHOLDERS, ...EMULATOR_PLACEHOLDERS, SPLICE_PLACEHOLDER].map((name) => `{${name}}`).join(' ');
}
