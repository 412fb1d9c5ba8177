/**
 * Import and export names of the Component Model (Explainer.md, "Import and Export Definitions"):
 * plain names (kebab-case labels with [constructor]/[method]/[static] annotations) and interface
 * names (`ns:pkg/iface@version`), and their strong uniqueness. Pure functions over short strings;
 * every check is a regular expression or a bounded loop.
 */

const LABEL = /^(?:[a-z][0-9a-z]*|[A-Z][0-9A-Z]*)(?:-(?:[0-9a-z]+|[0-9A-Z]+))*$/;
const WORDS = /^[a-z][0-9a-z]*(?:-[0-9a-z]+)*$/;
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
const CANON_VERSION = /^(?:[1-9]\d*|0\.[1-9]\d*|0\.0\.[1-9]\d*|0\.0\.0)$/;

export function isLabel(text: string): boolean {
  return LABEL.test(text);
}

export function isSemver(text: string): boolean {
  return SEMVER.test(text);
}

export type ParsedName =
  | { readonly kind: 'label'; readonly label: string }
  | { readonly kind: 'constructor'; readonly resource: string }
  | { readonly kind: 'method' | 'static'; readonly resource: string; readonly member: string }
  | { readonly kind: 'interface'; readonly version: string | null }
  | { readonly kind: 'dependency' };

/** Why `label` is not a label ("" when it is). */
export function labelProblem(text: string): string {
  if (text === '') return 'name cannot be empty';
  return isLabel(text) ? '' : `\`${text}\` is not in kebab case`;
}

/** `integrity=<sha256-... sha512-...>`: Subresource Integrity metadata; the text after the name. */
function parseIntegrity(text: string): { rest: string } | string {
  if (!text.startsWith('integrity=<')) return `expected \`integrity=<\` at \`${text}\``;
  const close = text.indexOf('>');
  if (close < 0) return 'failed to find `>`';
  const body = text.slice('integrity=<'.length, close);
  const hashes = body.split(' ').filter((h) => h !== '');
  if (hashes.length === 0) return 'integrity hash cannot be empty';
  for (const hash of hashes) {
    const dash = hash.indexOf('-');
    const algorithm = dash < 0 ? hash : hash.slice(0, dash);
    if (algorithm !== 'sha256' && algorithm !== 'sha384' && algorithm !== 'sha512') return `unrecognized hash algorithm: \`${algorithm}\``;
    // Subresource Integrity lets options follow a `?`; they do not change the digest.
    const digest = hash.slice(dash + 1).split('?')[0] as string;
    if (dash < 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(digest)) return `\`${digest}\` is not valid base64`;
  }
  return { rest: text.slice(close + 1) };
}

function parsePackagePath(path: string, nested: boolean): string {
  const slash = path.indexOf('/');
  const head = slash < 0 ? path : path.slice(0, slash);
  const parts = head.split(':');
  if (parts.length < 2) return `expected \`:\` in \`${path}\``;
  if (!nested && (parts.length > 2 || path.slice(slash + 1).includes('/'))) return `nested interface names are not enabled: \`${path}\``;
  for (const part of parts) if (!WORDS.test(part)) return `\`${part}\` is not in kebab case`;
  if (slash >= 0) for (const projection of path.slice(slash + 1).split('/')) if (!isLabel(projection)) return `\`${projection}\` is not in kebab case`;
  return '';
}

/** The `>=x <y` of `@{...}`; '' when valid. */
function versionRangeProblem(range: string): string {
  if (range === '*') return '';
  if (!range.startsWith('{')) return `expected \`{\` at \`${range}\``;
  if (!range.endsWith('}')) return `expected \`}\` at \`${range}\``;
  const body = range.slice(1, -1);
  if (body.startsWith('>=')) {
    const space = body.indexOf(' ');
    const lower = space < 0 ? body.slice(2) : body.slice(2, space);
    if (!isSemver(lower)) return `\`${lower}\` is not a valid semver`;
    if (space < 0) return '';
    const upper = body.slice(space + 1);
    if (!upper.startsWith('<') || !isSemver(upper.slice(1))) return `\`${upper}\` is not a valid semver`;
    return '';
  }
  if (body.startsWith('<')) return isSemver(body.slice(1)) ? '' : `\`${body.slice(1)}\` is not a valid semver`;
  return 'expected `>=` or `<` at start of version range';
}

/** wasm-tools' dependency and URL names (`unlocked-dep=<...>`, `locked-dep=<...>`, `url=<...>`, `integrity=<...>`): imports only. */
function parseDependencyName(text: string, nested: boolean): ParsedName | string | null {
  const tail = (rest: string): ParsedName | string => {
    if (rest === '') return { kind: 'dependency' };
    if (!rest.startsWith(',')) return `trailing characters found: \`${rest}\``;
    const integrity = parseIntegrity(rest.slice(1));
    if (typeof integrity === 'string') return integrity;
    return integrity.rest === '' ? { kind: 'dependency' } : `trailing characters found: \`${integrity.rest}\``;
  };
  for (const prefix of ['unlocked-dep=', 'locked-dep=', 'url=']) {
    if (!text.startsWith(prefix)) continue;
    const body = text.slice(prefix.length);
    if (!body.startsWith('<')) return `expected \`<\` at \`${body}\``;
    const close = prefix === 'unlocked-dep=' ? body.lastIndexOf('>') : body.indexOf('>');
    if (prefix === 'url=') {
      if (close < 0) return 'failed to find `>`';
      const url = body.slice(1, close);
      if (url.includes('<')) return 'url cannot contain `<`';
      return tail(body.slice(close + 1));
    }
    const inner = close < 0 ? body.slice(1) : body.slice(1, close);
    const at = inner.indexOf('@');
    const problem = parsePackagePath(at < 0 ? inner : inner.slice(0, at), nested);
    if (problem !== '') return problem.startsWith('expected') ? '`` is not in kebab case' : problem;
    if (at >= 0) {
      const version = inner.slice(at + 1);
      if (prefix === 'unlocked-dep=') {
        const rangeProblem = versionRangeProblem(version === '' ? '>' : version);
        if (rangeProblem !== '') return rangeProblem;
      } else if (!isSemver(version)) return `\`${version}\` is not a valid semver`;
    }
    if (close < 0) return 'expected `>` at ``';
    const rest = body.slice(close + 1);
    if (prefix === 'unlocked-dep=' && rest !== '') return `trailing characters found: \`${rest}\``;
    return tail(rest);
  }
  if (text.startsWith('integrity=')) {
    const integrity = parseIntegrity(text);
    if (typeof integrity === 'string') return integrity;
    return integrity.rest === '' ? { kind: 'dependency' } : `trailing characters found: \`${integrity.rest}\``;
  }
  return null;
}

/** Parses an extern name; a string is the reason it is not one. */
export function parseExternName(text: string, nested: boolean, isImport = false): ParsedName | string {
  if (text === '') return 'name cannot be empty';
  if (isImport) {
    const dependency = parseDependencyName(text, nested);
    if (dependency !== null) return dependency;
  }
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    const annotation = text.slice(0, close + 1);
    const rest = text.slice(close + 1);
    if (annotation === '[constructor]') {
      return isLabel(rest) ? { kind: 'constructor', resource: rest } : `\`${rest}\` is not in kebab case`;
    }
    if (annotation === '[method]' || annotation === '[static]') {
      const dot = rest.indexOf('.');
      if (dot < 0) return `failed to find \`.\` character in \`${text}\``;
      const resource = rest.slice(0, dot);
      const member = rest.slice(dot + 1);
      if (!isLabel(resource)) return `\`${resource}\` is not in kebab case`;
      if (!isLabel(member)) return `\`${member}\` is not in kebab case`;
      return { kind: annotation === '[method]' ? 'method' : 'static', resource, member };
    }
    return `\`${text}\` is not a valid extern name`;
  }
  if (text.includes(':')) return parseInterfaceName(text, nested);
  return isLabel(text) ? { kind: 'label', label: text } : `\`${text}\` is not in kebab case`;
}

function parseInterfaceName(text: string, nested: boolean): ParsedName | string {
  const at = text.indexOf('@');
  const path = at < 0 ? text : text.slice(0, at);
  const version = at < 0 ? null : text.slice(at + 1);
  if (version !== null && !isSemver(version) && !CANON_VERSION.test(version)) return `\`${version}\` is not a valid semver`;
  const colon = path.lastIndexOf(':');
  const namespaces = path.slice(0, colon).split(':');
  const packageAndProjections = path.slice(colon + 1);
  const slash = packageAndProjections.indexOf('/');
  if (slash < 0) return `expected \`/\` after package name in \`${text}\``;
  const pkg = packageAndProjections.slice(0, slash);
  const projections = packageAndProjections.slice(slash + 1).split('/');
  if (!nested && (namespaces.length > 1 || projections.length > 1)) return `nested interface names are not enabled: \`${text}\``;
  for (const namespace of namespaces) if (!WORDS.test(namespace)) return `\`${namespace}\` is not a valid namespace in \`${text}\``;
  if (!WORDS.test(pkg)) return `\`${pkg}\` is not a valid package name in \`${text}\``;
  for (const projection of projections) if (!isLabel(projection)) return `\`${projection}\` is not in kebab case`;
  return { kind: 'interface', version };
}

/** The canonical form under which two names must differ (Explainer.md, "Name Uniqueness"). */
export function uniquenessKey(text: string, parsed: ParsedName): string {
  switch (parsed.kind) {
    case 'label':
      return parsed.label.toLowerCase();
    case 'constructor':
      return `[constructor]${parsed.resource.toLowerCase()}`;
    case 'method':
    case 'static':
      return parsed.resource.toLowerCase() === parsed.member.toLowerCase()
        ? parsed.resource.toLowerCase()
        : `${parsed.resource.toLowerCase()}.${parsed.member.toLowerCase()}`;
    case 'interface':
      return text.toLowerCase();
    case 'dependency':
      return text;
  }
}
