/**
 * Writes the board facts of one firmware board from its target definition (ts/targets/board-files.ts):
 *
 *   node dist/scripts/firmware/board-files.js BOARD OUT_DIR
 *
 * targets/firmware/Makefile runs it before it compiles a board (OUT_DIR build/firmware/<board>/gen).
 * The make fragment is always written (make re-reads it); the header and the linker script only
 * when their text changed, so an edit elsewhere in the YAML recompiles nothing.
 * Exit status 0, or the WrtError's exit code with its message on stderr.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isWrtError } from '../../ts/core/errors.js';
import { BOARD_HEADER_NAME, BOARD_LINKER_SCRIPT_NAME, BOARD_MAKEFILE_NAME, boardFiles, targetOfBoard } from '../../ts/targets/board-files.js';
import { listTargets, targetsDir } from '../../ts/targets/index.js';

function writeIfChanged(file: string, text: string): void {
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return;
  writeFileSync(file, text);
}

function main(argv: readonly string[]): number {
  const [board, outDir] = argv;
  if (board === undefined || outDir === undefined || argv.length !== 2) {
    process.stderr.write('usage: node dist/scripts/firmware/board-files.js BOARD OUT_DIR\n');
    return 2;
  }
  const def = targetOfBoard(listTargets(), board);
  const files = boardFiles(def);
  mkdirSync(outDir, { recursive: true });
  writeIfChanged(join(outDir, BOARD_HEADER_NAME), files.header);
  writeIfChanged(join(outDir, BOARD_LINKER_SCRIPT_NAME), files.linkerScript);
  // Names the definition, so make regenerates when that file changes.
  writeFileSync(join(outDir, BOARD_MAKEFILE_NAME), `${files.makefile}BOARD_DEFINITION := ${join(targetsDir(), `${def.id}.yaml`)}\n`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  if (!isWrtError(error)) throw error;
  process.stderr.write(`board-files: ${error.describe()}\n`);
  process.exitCode = error.exitCode;
}
