/** One check made while deciding whether this is a container or a VM. */
export interface Evidence {
  /** The file looked at. */
  readonly source: string;
  /**
   * found: the check points to a container/VM. not found: the check was made and says no.
   * unknown: the check could not be made (the file was unreadable); this is not absence.
   */
  readonly outcome: 'found' | 'not found' | 'unknown';
  /** What was seen: "exists", "container=podman", "permission denied", "no hypervisor flag". */
  readonly detail: string;
  /** The technology it points to (docker, podman, kvm, qemu, …), or null when it does not say. */
  readonly kind: string | null;
}

export interface Detection {
  /** True when any evidence was found. False means no readable check found anything. */
  readonly detected: boolean;
  /** Distinct kinds named by found evidence, in evidence order. */
  readonly kinds: readonly string[];
  /** Every check made, found or not, in a fixed order. */
  readonly evidence: readonly Evidence[];
}

/** "found: exists", "unknown: permission denied". */
export function describeEvidence(evidence: Evidence): string {
  return `${evidence.outcome}: ${evidence.detail}`;
}

export function detectionOf(evidence: readonly Evidence[]): Detection {
  const found = evidence.filter((item) => item.outcome === 'found');
  const kinds: string[] = [];
  for (const item of found) {
    if (item.kind !== null && !kinds.includes(item.kind)) kinds.push(item.kind);
  }
  return { detected: found.length > 0, kinds, evidence };
}
