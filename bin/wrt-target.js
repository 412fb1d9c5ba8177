#!/usr/bin/env node
// The CLI is compiled from ts/ by `npm run build:ts` (the setup script and `npm test` both run it).
import { main } from '../dist/ts/cli/main.js';

process.exitCode = await main(process.argv);
