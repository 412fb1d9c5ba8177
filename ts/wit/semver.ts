/**
 * Semantic versions as WIT packages and `@since` gates use them (semver 2.0.0, as Rust's semver
 * crate reads them): parsing is a check, comparing follows the precedence rules.
 */
const NUMERIC = /^(0|[1-9][0-9]*)$/;
const IDENT = /^[0-9A-Za-z-]+$/;

/** Null when `text` is a valid version, else why not. */
export function semverProblem(text: string): string | null {
  const plus = text.indexOf('+');
  const core = plus < 0 ? text : text.slice(0, plus);
  const build = plus < 0 ? null : text.slice(plus + 1);
  const dash = core.indexOf('-');
  const main = dash < 0 ? core : core.slice(0, dash);
  const pre = dash < 0 ? null : core.slice(dash + 1);
  const parts = main.split('.');
  if (parts.length !== 3) return 'unexpected end of input while parsing minor version number';
  for (const part of parts) {
    if (part.length > 1 && part.startsWith('0')) return 'invalid leading zero in major version number';
    if (!NUMERIC.test(part) || part.length > 19) return 'value of major version number exceeds u64::MAX';
  }
  if (pre !== null) {
    if (pre === '') return 'empty identifier segment in pre-release identifier';
    for (const id of pre.split('.')) {
      if (id === '') return 'empty identifier segment in pre-release identifier';
      if (!IDENT.test(id)) return `unexpected character in pre-release identifier`;
      if (/^[0-9]+$/.test(id) && id.length > 1 && id.startsWith('0')) return 'invalid leading zero in pre-release identifier';
    }
  }
  if (build !== null) {
    if (build === '') return 'empty identifier segment in build metadata';
    for (const id of build.split('.')) {
      if (id === '') return 'empty identifier segment in build metadata';
      if (!IDENT.test(id)) return 'unexpected character in build metadata';
    }
  }
  return null;
}

interface Parsed {
  readonly nums: readonly bigint[];
  readonly pre: readonly string[];
  readonly build: string;
}

function parse(text: string): Parsed {
  const plus = text.indexOf('+');
  const core = plus < 0 ? text : text.slice(0, plus);
  const dash = core.indexOf('-');
  const main = dash < 0 ? core : core.slice(0, dash);
  return {
    nums: main.split('.').map((n) => BigInt(n)),
    pre: dash < 0 ? [] : core.slice(dash + 1).split('.'),
    build: plus < 0 ? '' : text.slice(plus + 1),
  };
}

function compareIdent(a: string, b: string): number {
  const an = /^[0-9]+$/.test(a);
  const bn = /^[0-9]+$/.test(b);
  if (an && bn) return BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;
  if (an) return -1;
  if (bn) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Precedence order; build metadata breaks ties, as Rust's semver `Ord` does. */
export function compareVersions(a: string, b: string): number {
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) {
    const p = x.nums[i] ?? 0n;
    const q = y.nums[i] ?? 0n;
    if (p !== q) return p < q ? -1 : 1;
  }
  if (x.pre.length === 0 || y.pre.length === 0) {
    if (x.pre.length !== y.pre.length) return x.pre.length === 0 ? 1 : -1;
  } else {
    const n = Math.min(x.pre.length, y.pre.length);
    for (let i = 0; i < n; i++) {
      const c = compareIdent(x.pre[i] ?? '', y.pre[i] ?? '');
      if (c !== 0) return c;
    }
    if (x.pre.length !== y.pre.length) return x.pre.length < y.pre.length ? -1 : 1;
  }
  if (x.build === y.build) return 0;
  if (x.build === '') return -1;
  if (y.build === '') return 1;
  const xb = x.build.split('.');
  const yb = y.build.split('.');
  for (let i = 0; i < Math.min(xb.length, yb.length); i++) {
    const c = compareIdent(xb[i] ?? '', yb[i] ?? '');
    if (c !== 0) return c;
  }
  return xb.length - yb.length;
}
