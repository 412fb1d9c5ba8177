/**
 * Writes the board facts of one firmware board from its target definition (ts/targets/board-files.ts):
 *
 *   node dist/scripts/firmware/board-files.js [--firmware-ram-in-arena] BOARD OUT_DIR
 *
 * targets/firmware/Makefile runs it before it compiles a board (OUT_DIR build/firmware/<board>/gen).
 * The make fragment is always written (make re-reads it); the header, the linker script and the
 * component fragment (which the fast image's objects depend on) only when their text changed, so
 * an edit elsewhere in the YAML recompiles nothing.
 * Exit status 0, or the WrtError's exit code with its message on stderr.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BOARD_COMPONENT_MAKEFILE_NAME, BOARD_HEADER_NAME, BOARD_LINKER_SCRIPT_NAME, BOARD_MAKEFILE_NAME, boardFiles, targetOfBoard } from '../../ts/targets/board-files.js';
import { listTargets, targetsDir } from '../../ts/targets/index.js';
import { runScript, scriptProgram } from '../../ts/core/script-cli.js';

function writeIfChanged(file: string, text: string): void {
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return;
  writeFileSync(file, text);
}

const program = scriptProgram('board-files', 'the C header, linker script and make fragment of a board, from its target definition')
  .argument('<board>', 'the targets/bsp board (a target names it in firmware.board)')
  .argument('<out-dir>', 'where to write them')
  .option('--firmware-ram-in-arena', "link the firmware's own RAM into the arena region, for an emulator without the region the definition gives it");

await runScript(program, (p) => {
  const [board = '', outDir = ''] = p.args;
  const def = targetOfBoard(listTargets(), board);
  const files = boardFiles(def, { firmwareRamInArena: p.opts<{ firmwareRamInArena?: boolean }>().firmwareRamInArena === true });
  mkdirSync(outDir, { recursive: true });
  writeIfChanged(join(outDir, BOARD_HEADER_NAME), files.header);
  writeIfChanged(join(outDir, BOARD_LINKER_SCRIPT_NAME), files.linkerScript);
  writeIfChanged(join(outDir, BOARD_COMPONENT_MAKEFILE_NAME), files.componentMakefile);
  // Names the definition, so make regenerates when that file changes.
  writeFileSync(join(outDir, BOARD_MAKEFILE_NAME), `${files.makefile}BOARD_DEFINITION := ${join(targetsDir(), `${def.id}.yaml`)}\n`);
  return 0;
});
