/**
 * `--host-policy module.name=allow|deny|log` (profile, run, deploy): the policy of one import,
 * carried in the profile to the device, which enforces it (docs/host-calls.md).
 */
import { WrtError } from '../core/errors.js';
import type { BinaryProfile } from './binary.js';
import { IMPORT_POLICIES, type ImportPolicy, type Sourced } from './types.js';

function isPolicy(text: string): text is ImportPolicy {
  return (IMPORT_POLICIES as readonly string[]).includes(text);
}

/** Each `module.name=policy` item, keyed by `module.name`; a later item for the same import wins. */
export function parseHostPolicies(items: readonly string[], flag = '--host-policy'): ReadonlyMap<string, Sourced<ImportPolicy>> {
  const policies = new Map<string, Sourced<ImportPolicy>>();
  for (const item of items) {
    const eq = item.lastIndexOf('=');
    const key = eq < 0 ? '' : item.slice(0, eq);
    const policy = eq < 0 ? '' : item.slice(eq + 1);
    if (!key.includes('.') || !isPolicy(policy)) {
      throw new WrtError('VALUE_INVALID', `${flag} takes module.name=${IMPORT_POLICIES.join('|')}, got "${item}"`, {
        field: flag,
        source: `cli ${flag}`,
        limit: `for example ${flag} wasi_snapshot_preview1.fd_write=log`,
      });
    }
    policies.set(key, { value: policy, source: `cli ${flag} ${item}` });
  }
  return policies;
}

/**
 * The policies given on the command line are the ones the device will enforce: a profile made
 * elsewhere (--profile FILE, the module's own section) or none at all would silently drop them,
 * so each must be in the profile that travels, else the run is refused naming the import.
 */
export function checkPoliciesCarried(
  policies: ReadonlyMap<string, Sourced<ImportPolicy>> | undefined,
  profile: { readonly decoded: BinaryProfile; readonly source: string } | undefined,
  file: string,
): void {
  for (const [key, policy] of policies ?? []) {
    const carried = profile?.decoded.imports.find((i) => `${i.module}.${i.name}` === key)?.policy;
    if (carried === policy.value) continue;
    throw new WrtError(
      'USAGE',
      profile === undefined
        ? `${policy.source}: the run uploads no profile, so nothing enforces it`
        : `${policy.source}: ${profile.source} gives ${key} the policy ${carried ?? 'deny (not listed)'}; a profile made elsewhere is not changed here`,
      { file, field: '--host-policy', limit: `compile the profile with it: wrt-target profile ${file} --host-policy ${key}=${policy.value}` },
    );
  }
}
