/**
 * The WASI 0.2 interfaces and functions the device serves (native/component/wrt_wasi2.c; docs/component.md,
 * "WASI 0.2 commands"), so that `run` refuses a component needing anything else before it uploads a
 * byte. The device checks again when the plan defines each function (COMPONENT_RESOURCE op 4);
 * test/component/wasi-command.test.ts checks that this table and the C one list the same names.
 */

/** Interface (without its `@0.2.x` version) → its functions; a name ending in `.` stands for every method of that resource. */
export const WASI2_FUNCTIONS: Readonly<Record<string, readonly string[]>> = {
  'wasi:cli/environment': ['get-arguments', 'get-environment', 'initial-cwd'],
  'wasi:cli/exit': ['exit', 'exit-with-code'],
  'wasi:cli/stdin': ['get-stdin'],
  'wasi:cli/stdout': ['get-stdout'],
  'wasi:cli/stderr': ['get-stderr'],
  'wasi:cli/terminal-stdin': ['get-terminal-stdin'],
  'wasi:cli/terminal-stdout': ['get-terminal-stdout'],
  'wasi:cli/terminal-stderr': ['get-terminal-stderr'],
  // Resource types only (their drops are canon resource.drop): nothing of the device's is called.
  'wasi:cli/terminal-input': [],
  'wasi:cli/terminal-output': [],
  'wasi:clocks/monotonic-clock': ['now', 'resolution', 'subscribe-instant', 'subscribe-duration'],
  'wasi:clocks/wall-clock': ['now', 'resolution'],
  'wasi:random/random': ['get-random-bytes', 'get-random-u64'],
  'wasi:random/insecure': ['get-insecure-random-bytes', 'get-insecure-random-u64'],
  'wasi:io/poll': ['poll', '[method]pollable.ready', '[method]pollable.block'],
  'wasi:io/streams': [
    '[method]output-stream.check-write',
    '[method]output-stream.write',
    '[method]output-stream.blocking-write-and-flush',
    '[method]output-stream.flush',
    '[method]output-stream.blocking-flush',
    '[method]output-stream.subscribe',
    '[method]input-stream.read',
    '[method]input-stream.blocking-read',
    '[method]input-stream.subscribe',
  ],
  'wasi:filesystem/preopens': ['get-directories'],
  'wasi:filesystem/types': ['[method]descriptor.', '[method]directory-entry-stream.', 'filesystem-error-code'],
  'wasi:io/error': ['[method]error.'],
};

/** `wasi:io/streams@0.2.12` → `wasi:io/streams`. */
export function wasi2Interface(importName: string): string {
  const at = importName.indexOf('@');
  return at < 0 ? importName : importName.slice(0, at);
}

/** Whether the device serves function `name` of the imported instance `importName`. */
export function wasi2Serves(importName: string, name: string): boolean {
  const fns = WASI2_FUNCTIONS[wasi2Interface(importName)];
  return fns !== undefined && fns.some((f) => (f.endsWith('.') ? name.startsWith(f) && name.length > f.length : name === f));
}

/** One line naming what the device serves (error limits). */
export const WASI2_SERVED = `WASI 0.2 as the device serves it: ${Object.keys(WASI2_FUNCTIONS).join(', ')} (@0.2.x)`;
