/**
 * Starting native-sim: stdio mode as a ChildProcessTransport, PTY mode by reading the
 * `char device redirected to /dev/pts/N (label serial0)` line it prints exactly as QEMU does.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { WrtError } from '../core/errors.js';
import { packageRoot } from '../core/paths.js';
import { ChildProcessTransport } from './stdio-transport.js';

/** The protocol test build: native-sim's front end with the TEST engine double (native/sim/test_engine.c). */
export function nativeSimProtoTestBinary(): string {
  return path.join(packageRoot(), 'build', 'native-sim', 'native-sim-proto-test');
}

export interface PtyAnnouncement {
  readonly path: string;
  readonly label: string;
}

/** Finds QEMU's (and native-sim's) PTY line in what the process printed so far. */
export function parsePtyAnnouncement(text: string): PtyAnnouncement | undefined {
  const match = /char device redirected to (\S+) \(label ([^)\s]+)\)/.exec(text);
  if (match === null || match[1] === undefined || match[2] === undefined) return undefined;
  return { path: match[1], label: match[2] };
}

export function spawnNativeSimStdio(binary: string, args: readonly string[] = []): ChildProcessTransport {
  return ChildProcessTransport.spawn(binary, args, { description: `native-sim (stdio, ${path.basename(binary)})` });
}

export interface PtyProcess {
  readonly pty: PtyAnnouncement;
  readonly process: ChildProcess;
  /** Ends the process and waits for it. */
  stop(): Promise<void>;
}

/** Starts a program that announces a PTY (native-sim --pty, QEMU -serial pty) and waits for the line. */
export function launchPtyProcess(command: string, args: readonly string[], timeoutMs = 5000): Promise<PtyProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    const exited = new Promise<void>((done) => child.on('close', () => done()));
    const stop = async (): Promise<void> => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    };
    const timer = setTimeout(() => {
      void stop();
      reject(new WrtError('TOOL_MISSING', `${command} announced no PTY within ${timeoutMs} ms`, { limit: `${timeoutMs} ms` }));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new WrtError('TOOL_MISSING', `cannot run ${command}: ${error.message}`, { file: command }));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new WrtError('TOOL_MISSING', `${command} exited with code ${code ?? 0} before announcing a PTY`, { file: command }));
    });
    const onStdout = (chunk: Buffer): void => {
      seen += chunk.toString('utf8');
      const pty = parsePtyAnnouncement(seen);
      if (pty === undefined) return;
      clearTimeout(timer);
      /* Keep draining stdout so the process never blocks on it, without keeping what it says. */
      child.stdout.off('data', onStdout);
      child.stdout.resume();
      resolve({ pty, process: child, stop });
    };
    child.stdout.on('data', onStdout);
    child.stderr.resume();
  });
}
