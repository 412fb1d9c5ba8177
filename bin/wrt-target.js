#!/usr/bin/env node
// The CLI is compiled from ts/ by `npm run build:ts` (the setup script and `npm test` both run it):
// dist/cli/NAME.cjs holds one command with everything it imports, run by dist/cli/launch.cjs through
// V8's code cache (scripts/bundle/cli.ts, ts/cli/launch.ts); it starts faster than the same code as
// ~80 ES modules of dist/ts. A command line that names no bundled command (help, --version, a typo,
// or a build without esbuild) runs dist/ts with every command.
import { createRequire } from 'node:module';

// require, not import: an ES import of node:fs loads all of Node's streams with it.
const require = createRequire(import.meta.url);
const { fileURLToPath } = require('node:url');
const launcher = fileURLToPath(new URL('../dist/cli/launch.cjs', import.meta.url));
const launched = require('node:fs').existsSync(launcher) && require(launcher).launch(process.argv, fileURLToPath(new URL('../dist/cli', import.meta.url)));
if (!launched) {
  const { main } = await import('../dist/ts/cli/main.js');
  process.exitCode = await main(process.argv);
}
