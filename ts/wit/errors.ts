import type { ErrorCode } from '../core/error-codes.js';
import { WrtError } from '../core/errors.js';
import type { SourceMap, SourcePlace, Span } from './source-map.js';

/** The codes a WIT check ends with; LIMIT_EXCEEDED when a bound of the chosen preset is hit. */
export type WitErrorCode = Extract<ErrorCode, 'WIT_SYNTAX' | 'WIT_UNDEFINED' | 'WIT_CYCLE' | 'WIT_INVALID' | 'LIMIT_EXCEEDED'>;

/**
 * A WIT error at a span. Raised with the span only; `locate` turns it into one that names the
 * file, line and column and keeps the source line for the caret display.
 */
export class WitError extends WrtError {
  readonly span: Span;
  readonly place: SourcePlace | undefined;
  private readonly witCode: WitErrorCode;

  constructor(code: WitErrorCode, message: string, span: Span, place?: SourcePlace, limit?: string) {
    super(
      code,
      message,
      place === undefined
        ? limit === undefined
          ? {}
          : { limit }
        : { file: place.path, line: place.line, column: place.column, offset: place.byteOffset, ...(limit === undefined ? {} : { limit }) },
    );
    this.span = span;
    this.place = place;
    this.witCode = code;
  }

  locate(sources: SourceMap): WitError {
    if (this.place !== undefined) return this;
    return new WitError(this.witCode, this.message, this.span, sources.place(this.span), this.location.limit);
  }
}

export function syntaxError(span: Span, message: string): WitError {
  return new WitError('WIT_SYNTAX', message, span);
}

export function invalidError(span: Span, message: string): WitError {
  return new WitError('WIT_INVALID', message, span);
}

export function undefinedError(span: Span, kind: string, name: string, hint?: string): WitError {
  return new WitError('WIT_UNDEFINED', `${kind} \`${name}\` does not exist${hint === undefined ? '' : `\n${hint}`}`, span);
}

export function cycleError(span: Span, kind: string, name: string): WitError {
  return new WitError('WIT_CYCLE', `${kind} \`${name}\` depends on itself`, span);
}

export function limitError(span: Span, message: string, limit: string): WitError {
  return new WitError('LIMIT_EXCEEDED', message, span, undefined, limit);
}

/**
 * `path:LINE:COL: error[CODE]: message`, then the source line and a caret under the place, as a
 * compiler prints it. An error without a place (a missing package header) prints only its line.
 */
export function renderWitError(error: WrtError): string {
  const place = error instanceof WitError ? error.place : undefined;
  const limit = error.location.limit === undefined ? '' : ` (limit: ${error.location.limit})`;
  const [first = '', ...rest] = `${error.message}${limit}`.split('\n');
  if (place === undefined) {
    const where = error.location.file === undefined ? '' : `${error.location.file}: `;
    return [`${where}error[${error.code}]: ${first}`, ...rest].join('\n');
  }
  const head = `${place.path}:${place.line}:${place.column}: error[${error.code}]: ${first}`;
  // A minified file's line could be megabytes; the caret display stays readable.
  if (place.lineText.length > 500) return [head, ...rest].join('\n');
  const gutter = String(place.line).length;
  const pad = ' '.repeat(gutter);
  const lines = [
    head,
    ...rest,
    `${pad} |`,
    `${place.line} | ${place.lineText}`,
    `${pad} | ${' '.repeat(place.charColumn)}^${'-'.repeat(Math.max(0, place.width - 1))}`,
  ];
  return lines.join('\n');
}

