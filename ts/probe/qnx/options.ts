/** Names the input in errors and in the result's `origin`. */
export interface QnxParseOptions {
  /** Path of the file, as the user named it. */
  readonly file?: string;
  /** Where the data came from when it is not a file, e.g. "live system page" for the addon's copy. */
  readonly source?: string;
}

export function originOf(options: QnxParseOptions): string | null {
  return options.file ?? options.source ?? null;
}

/** The file/source part of an ErrorLocation. */
export function whereOf(options: QnxParseOptions): { file?: string; source?: string } {
  if (options.file !== undefined) return { file: options.file };
  if (options.source !== undefined) return { source: options.source };
  return {};
}
