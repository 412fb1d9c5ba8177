import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext, CommandModule } from '../context.js';
import { ExitCode } from '../../core/error-codes.js';
import { WrtError } from '../../core/errors.js';
import { fitTable, jsonDocument, type JsonDocumentKind, TEXT_WIDTH } from '../../core/output.js';
import type { discoverBoards } from '../../boards/discover.js';

export const BOARDS_DOCUMENT: JsonDocumentKind = { name: 'boards', version: 1 };

const HELP = `
Lists the serial ports and the debug probes attached to this machine (ST-LINK,
CMSIS-DAP/Picoprobe, J-Link, by USB vendor:product id from /sys/bus/usb/devices;
no udev needed), with the board target each probe suggests. What it could not
see (no sysfs, no permission, no udev) is said.

Example:
  wrt-target boards --generate-hardware-map lab.yaml
      writes a hardware map of the attached boards, for
      wrt-target hil run smoke --hardware-map lab.yaml

Exit codes: 0 listed (also when nothing is attached); 2 the map file cannot be
written; 3 --generate-hardware-map with no board to put in it. More:
docs/boards.md.`;

interface RawBoardsOptions {
  readonly json?: boolean;
  readonly generateHardwareMap?: string;
}

/** Where discovery looks (tests point it at a fake sysfs tree and a recorded port list). */
export type BoardsDeps = NonNullable<Parameters<typeof discoverBoards>[1]>;

export async function runBoards(raw: RawBoardsOptions, ctx: CliContext, deps: BoardsDeps = {}): Promise<ExitCode> {
  const [{ discoverBoards, hardwareMapText }, { listTargets }] = await Promise.all([import('../../boards/discover.js'), import('../../targets/index.js')]);
  const targets = listTargets();
  const discovery = await discoverBoards(targets, deps);
  let written: { readonly file: string; readonly boards: number } | undefined;
  if (raw.generateHardwareMap !== undefined) {
    const map = hardwareMapText(discovery, targets);
    if (map.boards === 0) {
      const why = [...map.skipped, ...discovery.unseen];
      throw new WrtError('HOST_READ_FAILED', `no board to put in a hardware map: no known debug probe with a serial port was found${why.length === 0 ? '' : ` (${why.join('; ')})`}`, {
        field: '--generate-hardware-map',
        limit: 'connect a board by USB (ST-LINK, CMSIS-DAP, J-Link) and run again',
      });
    }
    const file = resolve(ctx.cwd, raw.generateHardwareMap);
    try {
      writeFileSync(file, map.text);
    } catch (error) {
      throw new WrtError('FILE_WRITE_FAILED', `cannot write ${raw.generateHardwareMap}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { file: raw.generateHardwareMap, field: '--generate-hardware-map' }, { cause: error });
    }
    written = { file: raw.generateHardwareMap, boards: map.boards };
  }
  if (raw.json === true) {
    ctx.output.out(jsonDocument(BOARDS_DOCUMENT, { probes: discovery.probes, ports: discovery.ports, unseen: discovery.unseen, hardwareMap: written ?? null }));
    return ExitCode.Ok;
  }
  const lines: string[] = [];
  if (discovery.probes.length === 0) lines.push('debug probes: none found');
  else {
    lines.push('debug probes');
    const rows = discovery.probes.map((p) => [p.name, `${p.vendorId}:${p.productId}`, p.serial ?? '-', p.ports.join(', ') || '-', p.targets[0] ?? '-']);
    lines.push(fitTable(['probe', 'usb id', 'serial', 'port', 'guess'], rows, { width: TEXT_WIDTH - 2, shrink: [[3, 12], [2, 8]], keepEnd: [3] }).text.replace(/^/gm, '  '));
  }
  if (discovery.ports.length === 0) lines.push('serial ports: none found');
  else {
    lines.push('serial ports');
    const rows = discovery.ports.map((p) => [p.byId ?? p.path, p.vendorId === undefined ? '-' : `${p.vendorId}:${p.productId ?? '?'}`, p.seenBy.join('+')]);
    lines.push(fitTable(['port', 'usb id', 'seen by'], rows, { width: TEXT_WIDTH - 2, shrink: [[0, 20]], keepEnd: [0] }).text.replace(/^/gm, '  '));
  }
  for (const line of discovery.unseen) lines.push(`not seen: ${line}`);
  if (written !== undefined) lines.push(`wrote ${written.file}: ${written.boards} board${written.boards === 1 ? '' : 's'} (check each guessed target)`);
  ctx.output.out(lines.join('\n'));
  return ExitCode.Ok;
}

export const boardsCommand: CommandModule = {
  register(program: Command, ctx: CliContext, done: (code: ExitCode) => void): void {
    program
      .command('boards')
      .description('list serial ports and debug probes (ST-LINK, CMSIS-DAP, J-Link) with the target each suggests; write a HIL hardware map')
      .option('--generate-hardware-map <file>', 'write the probes with a stable serial port as a hardware map (hil run --hardware-map)')
      .option('--json', 'print {probes, ports, unseen, hardwareMap} as JSON')
      .addHelpText('after', HELP)
      .action(async (options: RawBoardsOptions) => done(await runBoards(options, ctx)));
  },
};
