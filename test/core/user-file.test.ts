import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { checkUserFile, readUserFile, readUserText } from '../../ts/core/user-file.js';
import { thrown } from '../support/wrt-error.js';

const scratch = mkdtempSync(join(tmpdir(), 'wrt-user-file-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const spec = { what: 'config file', maxBytes: 64, shown: 'my.yaml', field: '--config' };

describe('readUserFile', () => {
  it('reads a regular file within the maximum', () => {
    const file = join(scratch, 'ok.yaml');
    writeFileSync(file, 'limits: {}\n');
    expect(readUserText(file, spec)).toBe('limits: {}\n');
    expect(checkUserFile(file, spec)).toBe(11);
  });

  it('refuses a missing file with FILE_NOT_FOUND naming it as the user wrote it', () => {
    const error = thrown(() => readUserFile(join(scratch, 'nope.yaml'), spec));
    expect(error.code).toBe('FILE_NOT_FOUND');
    expect(error.describe()).toBe('my.yaml: --config: the config file does not exist: check the path');
  });

  it('refuses a directory', () => {
    const error = thrown(() => readUserFile(scratch, spec));
    expect(error.code).toBe('FILE_READ_FAILED');
    expect(error.message).toBe('the config file is a directory, not a regular file: name a file');
    expect(thrown(() => checkUserFile(scratch, spec)).message).toBe(error.message);
  });

  it('refuses /dev/zero instead of reading it forever', () => {
    const error = thrown(() => readUserFile('/dev/zero', { ...spec, shown: '/dev/zero' }));
    expect(error.code).toBe('FILE_READ_FAILED');
    expect(error.describe()).toBe('/dev/zero: --config: the config file is a character device, not a regular file: name a file');
  });

  it('refuses a FIFO without waiting for a writer', () => {
    const fifo = join(scratch, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const error = thrown(() => readUserFile(fifo, spec));
    expect(error.code).toBe('FILE_READ_FAILED');
    expect(error.message).toBe('the config file is a FIFO (named pipe), not a regular file: name a file');
  });

  it('refuses a file over the maximum before reading it', () => {
    const file = join(scratch, 'big.yaml');
    writeFileSync(file, 'x'.repeat(65));
    const error = thrown(() => readUserFile(file, spec));
    expect(error.code).toBe('FILE_TOO_LARGE');
    expect(error.location).toEqual({ file: 'my.yaml', field: '--config', limit: 'at most 64 B' });
    expect(error.message).toBe('the config file is 65 B, larger than a config file may be: check that this is the right file');
    expect(thrown(() => checkUserFile(file, spec)).code).toBe('FILE_TOO_LARGE');
  });

  it('refuses an unreadable file naming the errno and what to do', () => {
    const file = join(scratch, 'secret.yaml');
    writeFileSync(file, 'a: 1\n');
    chmodSync(file, 0o000);
    chmodSync(scratch, 0o755);
    // root reads any file, so as root the check runs as nobody, on the compiled reader.
    const script = `import { readUserFile } from ${JSON.stringify(join(packageRoot(), 'dist/ts/core/user-file.js'))};
      try { readUserFile(${JSON.stringify(file)}, { what: 'config file', maxBytes: 64 }); } catch (e) { console.log(JSON.stringify([e.code, e.message])); }`;
    const argv = [process.execPath, '--input-type=module', '-e', script];
    const asRoot = process.getuid?.() === 0;
    const printed = asRoot ? execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', ...argv], { encoding: 'utf8' }) : execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
    expect(JSON.parse(printed)).toEqual(['FILE_READ_FAILED', 'the config file cannot be read (EACCES): check its permissions']);
  });

  it('refuses a path that cannot be opened for another reason, naming the errno', () => {
    const loop = join(scratch, 'loop');
    symlinkSync(loop, loop);
    const error = thrown(() => readUserFile(loop, spec));
    expect(error.code).toBe('FILE_READ_FAILED');
    expect(error.message).toBe('the config file cannot be read (ELOOP): check the path and that the file is readable');
  });
});
