import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type HostFiles, rootedHostFiles, withReadFailures } from '../../../ts/probe/linux/host-files.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'linux');

interface ScenarioManifest {
  readonly description: string;
  readonly recorded: boolean;
  readonly readFailures: Readonly<Record<string, string>>;
}

function manifest(): Readonly<Record<string, ScenarioManifest>> {
  return JSON.parse(readFileSync(join(FIXTURES, 'scenarios.json'), 'utf8')) as Record<string, ScenarioManifest>;
}

export const SCENARIOS = [
  'firecracker-docker-hybrid',
  'docker-v2-limited',
  'v2-nested-ancestor-limit',
  'v1-limited',
  'podman-rootless',
  'kvm-qemu-vm',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

export function scenarioRoot(scenario: Scenario): string {
  return join(FIXTURES, scenario);
}

/**
 * The recorded tree of a scenario, with the read failures the manifest lists: a checkout cannot
 * reproduce EACCES for a test runner that may be root, so the failure is recorded as data.
 */
export function scenarioFiles(scenario: Scenario): HostFiles {
  const entry = manifest()[scenario];
  if (entry === undefined) throw new Error(`scenario ${scenario} is not in scenarios.json`);
  return withReadFailures(rootedHostFiles(scenarioRoot(scenario)), entry.readFailures);
}

export function scenarioManifest(): Readonly<Record<string, ScenarioManifest>> {
  return manifest();
}
