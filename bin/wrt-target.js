#!/usr/bin/env node
// CommonJS (bin/package.json): an ES module entry would start Node's ES loader, a few ms of every
// command's start-up. The CLI is compiled from ts/ by `npm run build:ts` (the setup script and
// `npm test` both run it): dist/cli/NAME.cjs holds one command with everything it imports, run by
// dist/cli/launch.cjs through V8's code cache (scripts/bundle/cli.ts, ts/cli/launch.ts); it starts
// faster than the same code as ~80 ES modules of dist/ts. A command line that names no bundled
// command (help, --version, a typo, or a build without esbuild) runs dist/ts with every command.
'use strict';
const { join } = require('node:path');

const bundles = join(__dirname, '..', 'dist', 'cli');
const launcher = join(bundles, 'launch.cjs');
const launched = require('node:fs').existsSync(launcher) && require(launcher).launch(process.argv, bundles);
if (!launched) {
  import('../dist/ts/cli/main.js').then(
    async ({ main }) => {
      process.exitCode = await main(process.argv);
    },
    (error) => {
      process.stderr.write(`wrt-target: cannot load the CLI from dist/ts (build it: npm run build:ts): ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 3; // ExitCode.Environment: the build is missing
    },
  );
}
