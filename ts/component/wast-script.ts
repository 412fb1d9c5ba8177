/**
 * Splits a component `.wast` script into its top-level commands without understanding the
 * component text itself: jco's parser turns each component into a binary later. The scan is one
 * pass over the characters with a depth counter (no recursion), so any input ends in linear time.
 */

export type ComponentCommandKind = 'component' | 'assert_invalid' | 'assert_malformed' | 'assert_unlinkable' | 'other';

export interface ComponentCommand {
  readonly kind: ComponentCommandKind;
  /** 1-based line of the command's opening parenthesis. */
  readonly line: number;
  /** The component form, rewritten so that jco's `parse` accepts it; null when there is none. */
  readonly componentText: string | null;
  /** `component quote` forms are text-format tests: they have no binary to validate. */
  readonly quote: boolean;
  /** The expected error text of an assertion ("" when none). */
  readonly message: string;
}

export interface Form {
  readonly start: number;
  readonly end: number;
  readonly line: number;
}

/** The top-level parenthesised forms of `text` (comments and strings skipped). */
export function topLevelForms(text: string, from: number, to: number): Form[] {
  const forms: Form[] = [];
  let depth = 0;
  let start = -1;
  let line = 1;
  let startLine = 1;
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 10) line += 1;
    if (c === 59 /* ; */ && text.charCodeAt(i + 1) === 59) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 || nl > to ? to : nl;
      continue;
    }
    if (c === 40 /* ( */ && text.charCodeAt(i + 1) === 59) {
      // Block comments nest in the text format.
      let nest = 1;
      i += 2;
      while (i < to && nest > 0) {
        if (text.charCodeAt(i) === 10) line += 1;
        if (text.startsWith('(;', i)) {
          nest += 1;
          i += 2;
        } else if (text.startsWith(';)', i)) {
          nest -= 1;
          i += 2;
        } else i += 1;
      }
      continue;
    }
    if (c === 34 /* " */) {
      i += 1;
      while (i < to && text.charCodeAt(i) !== 34) {
        if (text.charCodeAt(i) === 92) i += 1;
        else if (text.charCodeAt(i) === 10) line += 1;
        i += 1;
      }
      i += 1;
      continue;
    }
    if (c === 40) {
      if (depth === 0) {
        start = i;
        startLine = line;
      }
      depth += 1;
    } else if (c === 41 /* ) */) {
      depth -= 1;
      if (depth === 0 && start >= 0) {
        forms.push({ start, end: i + 1, line: startLine });
        start = -1;
      }
      if (depth < 0) depth = 0;
    }
    i += 1;
  }
  return forms;
}

export function head(text: string, form: Form): string {
  const match = /^\(\s*([A-Za-z_]+)/.exec(text.slice(form.start, Math.min(form.end, form.start + 64)));
  return match === null ? '' : (match[1] as string);
}

/** The last string literal of an assertion: its expected message. */
function trailingMessage(text: string, form: Form): string {
  const match = /"((?:[^"\\]|\\.)*)"\s*\)\s*$/.exec(text.slice(form.start, form.end));
  return match === null ? '' : (match[1] as string);
}

/**
 * jco parses one component, not a script: `(component definition $x ...)` is the script's way to
 * define without instantiating, and is the plain component for validation.
 */
function asComponentText(source: string): { text: string; quote: boolean } {
  const quote = /^\(\s*component\s+(\$\S+\s+)?quote\b/.test(source);
  return { text: source.replace(/^\(\s*component\s+definition\b/, '(component'), quote };
}

export function splitComponentScript(text: string): ComponentCommand[] {
  const commands: ComponentCommand[] = [];
  for (const form of topLevelForms(text, 0, text.length)) {
    const kind = head(text, form);
    if (kind === 'component') {
      const inner = text.slice(form.start, form.end);
      if (/^\(\s*component\s+instance\b/.test(inner)) {
        commands.push({ kind: 'other', line: form.line, componentText: null, quote: false, message: '' });
        continue;
      }
      const { text: componentText, quote } = asComponentText(inner);
      commands.push({ kind: 'component', line: form.line, componentText, quote, message: '' });
    } else if (kind === 'assert_invalid' || kind === 'assert_malformed' || kind === 'assert_unlinkable') {
      const innerForms = topLevelForms(text, form.start + 1, form.end - 1);
      const first = innerForms[0];
      const isComponent = first !== undefined && head(text, first) === 'component';
      const converted = isComponent ? asComponentText(text.slice(first.start, first.end)) : null;
      commands.push({
        kind,
        line: form.line,
        componentText: converted?.text ?? null,
        quote: converted?.quote ?? false,
        message: trailingMessage(text, form),
      });
    } else {
      commands.push({ kind: 'other', line: form.line, componentText: null, quote: false, message: '' });
    }
  }
  return commands;
}
