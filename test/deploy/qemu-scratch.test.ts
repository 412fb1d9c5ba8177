import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { qemuScratchFolder, sweepStaleQemuFolders, userScratchRoot } from '../../ts/deploy/qemu-scratch.js';
import { thrown } from '../support/wrt-error.js';

const root = mkdtempSync(join(tmpdir(), 'wrt-scratch-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The id of a process that has certainly exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('QEMU scratch folders', () => {
  it('sweeps the folders of launching processes that are gone, and only those', () => {
    const dead = deadPid();
    expect(Number.isInteger(dead) && dead > 0).toBe(true);
    const stale = join(root, `wrt-qemu-${dead}-AbC123`);
    const mine = join(root, `wrt-qemu-${process.pid}-XyZ789`);
    const parent = join(root, `wrt-qemu-${process.ppid}-Qwe456`);
    const unrelated = join(root, 'wrt-qemu-notapid');
    for (const dir of [stale, mine, parent, unrelated]) mkdirSync(dir);
    writeFileSync(join(stale, 'uart0.log'), 'left behind by a SIGKILLed run');
    expect(sweepStaleQemuFolders(root)).toEqual([`wrt-qemu-${dead}-AbC123`]);
    expect([stale, mine, parent, unrelated].map((d) => existsSync(d))).toEqual([false, true, true, true]);
  });

  it('names a new folder after this process and sweeps before making it', () => {
    const dead = deadPid();
    mkdirSync(join(root, `wrt-qemu-${dead}-Zzz000`));
    const folder = qemuScratchFolder(root);
    expect(folder.path.startsWith(join(root, `wrt-qemu-${process.pid}-`))).toBe(true);
    expect(existsSync(folder.path)).toBe(true);
    folder.remove();
    expect(existsSync(folder.path)).toBe(false);
    expect(readdirSync(root).filter((n) => n.startsWith(`wrt-qemu-${dead}-`))).toEqual([]);
  });

  it("keeps each user's folders in a 0700 folder of that user's own, and refuses one another user owns", (ctx) => {
    const uid = process.getuid?.() ?? 0;
    const base = mkdtempSync(join(root, 'base-'));
    const own = userScratchRoot(base);
    expect(own).toBe(join(base, `wrt-target-${uid}`));
    expect(statSync(own).mode & 0o777).toBe(0o700);
    const folder = qemuScratchFolder(own);
    expect(folder.path.startsWith(join(own, `wrt-qemu-${process.pid}-`))).toBe(true);
    folder.remove();
    ctx.skip(uid !== 0, 'needs root to plant a folder owned by another user');
    const planted = mkdtempSync(join(root, 'planted-'));
    mkdirSync(join(planted, `wrt-target-${uid}`));
    chownSync(join(planted, `wrt-target-${uid}`), 65534, 65534);
    const error = thrown(() => userScratchRoot(planted));
    expect(error.code).toBe('CACHE_DIR_UNWRITABLE');
    expect(error.message).toBe(`${join(planted, `wrt-target-${uid}`)} is not a folder of user ${uid}: QEMU's sockets cannot go there`);
  });
});
