import { readFileSync } from 'node:fs';

/** The toolchain version recorded in reports and profiles: package.json's, read once. */
function readVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'wrt-target' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // try the next layout (sources vs dist/)
    }
  }
  return '0.0.0-unknown';
}

export const TOOL_VERSION: string = readVersion();
