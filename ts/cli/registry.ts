import { cfiReportCommand } from './commands/cfi-report.js';
import { deployCommand } from './commands/deploy.js';
import { hilCommand } from './commands/hil.js';
import { probeCommand } from './commands/probe.js';
import { profileCommand } from './commands/profile.js';
import { runCommand } from './commands/run.js';
import { validateCommand } from './commands/validate.js';
import type { CommandModule } from './context.js';

export const COMMANDS: readonly CommandModule[] = [probeCommand, cfiReportCommand, validateCommand, profileCommand, runCommand, deployCommand, hilCommand];
