/**
 * What a missing CFI feature means for each ASIL level, as data. The rule table (CFI_RULES) is
 * the policy; docs/cfi.md shows it to users. Verdicts are computed for the host (its three levels
 * plus the files that would run on it) and for each file on its own (for a target of the file's
 * architecture).
 */
import { ASIL_LEVELS, type AsilLevel } from '../foundation/asil.js';
import type { FileMark, FileReport, MarkState } from './file-report.js';
import type { CfiLevel, FeatureFamily, HostFeatureId, HostReport, LevelState } from './host-levels.js';

export type Asil = AsilLevel;
export { ASIL_LEVELS };

/** none: silent; note: listed in the report; warn: the profile is accepted and the warning recorded; refuse: no profile at this level. */
export type Consequence = 'none' | 'note' | 'warn' | 'refuse';
const SEVERITY: Readonly<Record<Consequence, number>> = { none: 0, note: 1, warn: 2, refuse: 3 };

export interface CfiRule {
  readonly feature: HostFeatureId;
  readonly name: string;
  /** What the feature protects. */
  readonly protects: string;
  /** When the feature is missing or unproven (state no / absent / unknown). */
  readonly missing: Readonly<Record<Asil, Consequence>>;
  /** When the architecture cannot have it at all (a Cortex-M4 has no PACBTI). */
  readonly unavailable: Readonly<Record<Asil, Consequence>>;
  /** Why the table is what it is. */
  readonly rationale: string;
}

const REQUIRED_AT_C_D: Readonly<Record<Asil, Consequence>> = { QM: 'none', A: 'note', B: 'warn', C: 'refuse', D: 'refuse' };
const UNAVAILABLE: Readonly<Record<Asil, Consequence>> = { QM: 'none', A: 'none', B: 'note', C: 'warn', D: 'warn' };
const OPTIONAL: Readonly<Record<Asil, Consequence>> = { QM: 'none', A: 'none', B: 'none', C: 'note', D: 'note' };

export const CFI_RULES: Readonly<Record<HostFeatureId, CfiRule>> = {
  shstk: {
    feature: 'shstk',
    name: 'shadow stack',
    protects: 'return addresses (backward edge)',
    missing: REQUIRED_AT_C_D,
    unavailable: UNAVAILABLE,
    rationale: 'Linux offers user-space shadow stacks since 6.6; hardware CFI on a host target is required at ASIL C and D.',
  },
  ibt: {
    feature: 'ibt',
    name: 'indirect branch tracking',
    protects: 'indirect call and jump targets (forward edge)',
    missing: { QM: 'none', A: 'none', B: 'note', C: 'warn', D: 'warn' },
    unavailable: UNAVAILABLE,
    rationale:
      'No upstream Linux kernel enables IBT for user space, so requiring it would refuse every Linux x86 host; at C and D forward-edge integrity is argued from the runtime (type-checked call_indirect) and the gap is recorded as a warning.',
  },
  pac: {
    feature: 'pac',
    name: 'pointer authentication',
    protects: 'return addresses (backward edge, pac-ret)',
    missing: REQUIRED_AT_C_D,
    unavailable: UNAVAILABLE,
    rationale: 'Armv8.3-A and Armv8.1-M PACBTI cores sign return addresses; hardware CFI on a host target is required at ASIL C and D.',
  },
  bti: {
    feature: 'bti',
    name: 'branch target identification',
    protects: 'indirect call and jump targets (forward edge)',
    missing: REQUIRED_AT_C_D,
    unavailable: UNAVAILABLE,
    rationale: 'Linux guards BTI-marked pages since 5.8; hardware CFI on a host target is required at ASIL C and D.',
  },
  gcs: {
    feature: 'gcs',
    name: 'guarded control stack',
    protects: 'return addresses (backward edge)',
    missing: OPTIONAL,
    unavailable: OPTIONAL,
    rationale: 'GCS is new (Armv9.4-A, Linux 6.13) and PAC already protects return addresses; its absence is noted at C and D.',
  },
  mte: {
    feature: 'mte',
    name: 'memory tagging',
    protects: 'heap and stack memory safety (not control flow)',
    missing: OPTIONAL,
    unavailable: OPTIONAL,
    rationale: 'MTE is optional hardening; its absence is noted at C and D.',
  },
};

/** The sentence a refused profile carries. */
export const DEVIATION_CLAUSE =
  'unless the profile records a deviation for this feature that names the compensating measure and is accepted in the safety case';

export type FindingState = LevelState | MarkState;

export interface Finding {
  readonly feature: HostFeatureId;
  /** "hardware", "kernel", "process" for host levels; "file" for a file's mark. */
  readonly level: CfiLevel | 'file';
  /** For file findings, the file. */
  readonly file: string | null;
  readonly state: FindingState;
  readonly detail: string;
  readonly consequences: Readonly<Record<Asil, Consequence>>;
}

export interface FeatureReason {
  readonly feature: HostFeatureId;
  readonly consequence: Consequence;
  /** "kernel", "process", "file /usr/bin/node" … */
  readonly where: readonly string[];
  readonly text: string;
}

export type Outcome = 'accepted' | 'accepted with notes' | 'accepted with warnings' | 'refused';

export interface AsilOutcome {
  readonly asil: Asil;
  readonly outcome: Outcome;
  readonly reasons: readonly FeatureReason[];
}

export interface Verdict {
  /** "host x86_64", "this host (file /usr/bin/node)", "ARM target (file m4.o)". */
  readonly scope: string;
  /** True when the verdict is about this host (host levels, or a file that runs here). */
  readonly onHost: boolean;
  readonly findings: readonly Finding[];
  readonly asil: readonly AsilOutcome[];
}

export interface CfiVerdicts {
  readonly host: Verdict;
  readonly files: readonly Verdict[];
}

const NONE: Readonly<Record<Asil, Consequence>> = { QM: 'none', A: 'none', B: 'none', C: 'none', D: 'none' };

function consequencesFor(feature: HostFeatureId, state: FindingState): Readonly<Record<Asil, Consequence>> {
  switch (state) {
    case 'yes':
    case 'present':
    case 'not-applicable':
      return NONE;
    case 'unavailable':
      return CFI_RULES[feature].unavailable;
    case 'no':
    case 'absent':
    case 'unknown':
      // No evidence counts as absence wherever the feature is required.
      return CFI_RULES[feature].missing;
  }
}

export function hostFindings(host: HostReport): Finding[] {
  const findings: Finding[] = [];
  for (const feature of host.features) {
    if (feature.family !== host.family) continue;
    for (const level of ['hardware', 'kernel', 'process'] as const) {
      const f = feature[level];
      findings.push({ feature: feature.id, level, file: null, state: f.state, detail: f.detail, consequences: consequencesFor(feature.id, f.state) });
    }
  }
  return findings;
}

export function fileFindings(file: FileReport): Finding[] {
  return file.marks.map((mark: FileMark) => ({
    feature: mark.feature,
    level: 'file' as const,
    file: file.file,
    state: mark.state,
    detail: mark.detail,
    consequences: consequencesFor(mark.feature, mark.state),
  }));
}

function whereOf(f: Finding): string {
  return f.level === 'file' ? `file ${f.file ?? '?'}` : f.level;
}

type Evidence = 'missing' | 'unproven' | 'unavailable';

function evidenceOf(findings: readonly Finding[]): Evidence {
  if (findings.some((f) => f.state === 'no' || f.state === 'absent')) return 'missing';
  if (findings.some((f) => f.state === 'unknown')) return 'unproven';
  return 'unavailable';
}

function reasonText(feature: HostFeatureId, consequence: Consequence, asil: Asil, evidence: Evidence, hostScope: boolean): string {
  const rule = CFI_RULES[feature];
  const what =
    evidence === 'missing'
      ? `${rule.name} is missing`
      : evidence === 'unproven'
        ? `${rule.name} is unproven (no evidence either way)`
        : `${rule.name} does not exist on this architecture`;
  const scope = hostScope ? 'this host' : 'a target of this architecture';
  const requiredAt = ASIL_LEVELS.filter((a) => rule.missing[a] === 'refuse');
  switch (consequence) {
    case 'refuse':
      return `${what}; hardware CFI on a host target is required at ASIL ${requiredAt.join(' and ')}: a profile at ASIL ${asil} for ${scope} is refused ${DEVIATION_CLAUSE}`;
    case 'warn':
      return `${what}; a profile at ASIL ${asil} for ${scope} is accepted with a recorded warning: ${rule.protects} not protected by hardware`;
    case 'note':
      return `${what}; noted in the profile report at ASIL ${asil}`;
    case 'none':
      return `${what}; no consequence at ASIL ${asil}`;
  }
}

export function judge(scope: string, findings: readonly Finding[], hostScope: boolean): Verdict {
  const asil = ASIL_LEVELS.map((level): AsilOutcome => {
    const byFeature = new Map<HostFeatureId, Finding[]>();
    for (const f of findings) {
      if (f.consequences[level] === 'none') continue;
      const list = byFeature.get(f.feature) ?? [];
      list.push(f);
      byFeature.set(f.feature, list);
    }
    const reasons: FeatureReason[] = [];
    for (const [feature, list] of byFeature) {
      const worst = list.reduce<Consequence>((acc, f) => (SEVERITY[f.consequences[level]] > SEVERITY[acc] ? f.consequences[level] : acc), 'none');
      reasons.push({ feature, consequence: worst, where: list.map(whereOf), text: reasonText(feature, worst, level, evidenceOf(list), hostScope) });
    }
    reasons.sort((a, b) => SEVERITY[b.consequence] - SEVERITY[a.consequence]);
    const top = reasons[0]?.consequence ?? 'none';
    const outcome: Outcome =
      top === 'refuse' ? 'refused' : top === 'warn' ? 'accepted with warnings' : top === 'note' ? 'accepted with notes' : 'accepted';
    return { asil: level, outcome, reasons };
  });
  return { scope, onHost: hostScope, findings, asil };
}

const FILE_FAMILY_TO_HOST: Readonly<Record<FileReport['family'] & string, FeatureFamily | null>> = {
  x86: 'x86',
  arm64: 'arm64',
  // A 32-bit Arm file runs on a microcontroller or an AArch32 system, never under this report's host checks.
  arm32: null,
};

/** Whether a file would run on this host (same CFI family), so its marks decide the host's protection. */
export function runsOnHost(file: FileReport, host: HostReport): boolean {
  return file.family !== null && host.family !== null && FILE_FAMILY_TO_HOST[file.family] === host.family;
}

export function cfiVerdicts(host: HostReport, files: readonly FileReport[]): CfiVerdicts {
  const hostFiles = files.filter((f) => runsOnHost(f, host));
  const hostVerdict = judge(`host ${host.arch}`, [...hostFindings(host), ...hostFiles.flatMap(fileFindings)], true);
  const fileVerdicts = files.map((f) =>
    judge(`${runsOnHost(f, host) ? 'this host' : `${f.machineName} target`} (file ${f.file})`, fileFindings(f), runsOnHost(f, host)),
  );
  return { host: hostVerdict, files: fileVerdicts };
}
