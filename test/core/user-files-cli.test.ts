/**
 * Every file a user names on the command line is read as a regular file, checked before a byte is
 * read: /dev/zero (endless) and a directory, as the module of run, profile and deploy, and as
 * --profile, --hardware-map and --quarantine, are refused with the flag and the file named.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../ts/cli/main.js';
import { packageRoot } from '../../ts/core/paths.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { moduleFile, tempDir } from '../profile/helpers.js';

const MAP = join(packageRoot(), 'hil', 'maps', 'local.yaml');

async function cli(args: readonly string[]): Promise<{ code: number; stderr: string }> {
  const output = new BufferedOutput();
  const code = await main(['node', 'wrt-target', ...args], { output, env: { PATH: process.env.PATH ?? '' }, cwd: tempDir() });
  return { code, stderr: output.stderr.join('\n') };
}

describe('files a user names are regular files, refused unread otherwise', () => {
  const module = () => moduleFile('(module (func (export "main") (result i32) (i32.const 1)))').file;
  const cases: ReadonlyArray<readonly [string, (path: string) => string[], string]> = [
    ['run FILE', (p) => ['run', p, '--invoke', 'main'], 'the module is'],
    ['profile FILE', (p) => ['profile', p, '--target', 'native-sim'], 'the module is'],
    ['deploy FILE --dry-run', (p) => ['deploy', p, '--dry-run'], 'the module is'],
    ['run --profile', (p) => ['run', module(), '--invoke', 'main', '--profile', p], '--profile: the profile is'],
    ['hil run --hardware-map', (p) => ['hil', 'run', '--hardware-map', p], '--hardware-map: the hardware map is'],
    ['hil run --quarantine', (p) => ['hil', 'run', '--hardware-map', MAP, '--quarantine', p], '--quarantine: the quarantine list is'],
  ];
  for (const [name, argv, says] of cases) {
    for (const [path, kind] of [['/dev/zero', 'a character device'], [tempDir(), 'a directory']] as const) {
      it(`${name} ${kind === 'a directory' ? 'DIRECTORY' : path}`, async () => {
        const { code, stderr } = await cli(argv(path));
        expect(code).toBe(2);
        expect(stderr).toContain(`error[FILE_READ_FAILED]: ${path}: ${says} ${kind}, not a regular file: name a file`);
      });
    }
  }
});
