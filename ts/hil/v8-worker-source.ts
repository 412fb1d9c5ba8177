/**
 * The body of the V8 reference's worker thread, as CommonJS source for `new Worker(src, { eval: true })`.
 * A string rather than a file so it runs the same from ts/ under vitest and from dist/, with no
 * build step copying a .js file. It only instantiates and calls; every decision (types, traps,
 * bits) is made in the main thread by v8-executor.ts, where it is typed and tested.
 */
export const V8_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...rest) {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0] && rest[0].type;
  if (type === 'ExperimentalWarning' && String(warning).includes('WASI')) return;
  return emitWarning.call(process, warning, ...rest);
};
const { WASI } = require('node:wasi');
const WASI_MODULES = ['wasi_snapshot_preview1', 'wasi_unstable'];

function describe(error) {
  return error && typeof error === 'object' && 'message' in error ? String(error.message) : String(error);
}

function run(request) {
  let module;
  try {
    module = new WebAssembly.Module(request.bytes);
  } catch (error) {
    return { kind: 'rejected', stage: 'compile', message: describe(error) };
  }
  const usesWasi = WebAssembly.Module.imports(module).some((i) => WASI_MODULES.includes(i.module));
  const entry = request.entry;
  const stdinPath = path.join(request.dir, 'stdin');
  const stdoutPath = path.join(request.dir, 'stdout');
  const stderrPath = path.join(request.dir, 'stderr');
  fs.writeFileSync(stdinPath, entry.kind === 'command' ? entry.stdin : '');
  const fds = [fs.openSync(stdinPath, 'r'), fs.openSync(stdoutPath, 'w'), fs.openSync(stderrPath, 'w')];
  let open = true;
  // Threads share the fd table: close each fd exactly once, or a reused number gets closed.
  const closeAll = () => {
    if (!open) return;
    open = false;
    for (const fd of fds) fs.closeSync(fd);
  };
  const streams = () => {
    closeAll();
    return { stdout: fs.readFileSync(stdoutPath, 'utf8'), stderr: fs.readFileSync(stderrPath, 'utf8') };
  };
  try {
    const wasi = new WASI({
      version: 'preview1',
      args: entry.kind === 'command' ? entry.args : [entry.export],
      env: entry.kind === 'command' ? entry.env : {},
      stdin: fds[0], stdout: fds[1], stderr: fds[2],
      returnOnExit: true,
    });
    let instance;
    try {
      instance = new WebAssembly.Instance(module, usesWasi ? wasi.getImportObject() : {});
    } catch (error) {
      if (error instanceof WebAssembly.RuntimeError) return { kind: 'trap', message: describe(error), ...streams() };
      return { kind: 'rejected', stage: 'link', message: describe(error) };
    }
    const exports = instance.exports;
    if (entry.kind === 'command') {
      if (typeof exports._start !== 'function') return { kind: 'rejected', stage: 'entry', message: 'the module exports no _start function' };
      try {
        const exitCode = usesWasi ? wasi.start(instance) : (exports._start(), 0);
        return { kind: 'exited', exitCode: exitCode === undefined ? 0 : exitCode, ...streams() };
      } catch (error) {
        return trapOrError(error, streams);
      }
    }
    const fn = exports[entry.export];
    if (typeof fn !== 'function') return { kind: 'rejected', stage: 'entry', message: 'no exported function "' + entry.export + '"' };
    if (usesWasi) {
      if (typeof exports._start === 'function') return { kind: 'rejected', stage: 'entry', message: 'invoke on a WASI command module: run it as a command' };
      wasi.initialize(instance);
    }
    try {
      const result = fn(...request.args);
      const values = request.resultCount === 0 ? [] : request.resultCount === 1 ? [result] : Array.from(result);
      return { kind: 'returned', values, ...streams() };
    } catch (error) {
      return trapOrError(error, streams);
    }
  } finally {
    closeAll();
  }
}

function trapOrError(error, streams) {
  if (error instanceof WebAssembly.RuntimeError || (error instanceof RangeError && /call stack/.test(describe(error)))) {
    return { kind: 'trap', message: describe(error), ...streams() };
  }
  return { kind: 'error', message: describe(error) };
}

parentPort.on('message', (request) => {
  let reply;
  try {
    reply = run(request);
  } catch (error) {
    reply = { kind: 'error', message: describe(error) };
  }
  parentPort.postMessage({ id: request.id, reply });
});
`;
