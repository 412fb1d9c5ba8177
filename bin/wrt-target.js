#!/usr/bin/env node
// The CLI is compiled from ts/ by `npm run build:ts` (the setup script and `npm test` both run it):
// dist/cli/NAME.js holds one command with everything it imports (scripts/bundle/cli.ts), and starts
// faster than the same code as ~80 modules of dist/ts; a command line that names no command with a
// bundle (help, --version, a typo, or a build without esbuild) runs dist/ts with every command.
import { existsSync } from 'node:fs';

// The same rule as ts/cli/registry.ts: the command is the first word that is not an option.
const named = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
const bundle = named !== undefined && /^[a-z][a-z-]*$/.test(named) ? new URL(`../dist/cli/${named}.js`, import.meta.url) : undefined;
if (bundle !== undefined && existsSync(bundle)) {
  await import(bundle.href);
} else {
  const { main } = await import('../dist/ts/cli/main.js');
  process.exitCode = await main(process.argv);
}
