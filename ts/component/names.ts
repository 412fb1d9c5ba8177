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
  | { readonly kind: 'interface'; readonly version: string | null };

/** Why `label` is not a label ("" when it is). */
export function labelProblem(text: string): string {
  if (text === '') return 'name cannot be empty';
  return isLabel(text) ? '' : `\`${text}\` is not in kebab case`;
}

/** Parses an extern name; a string is the reason it is not one. */
export function parseExternName(text: string, nested: boolean): ParsedName | string {
  if (text === '') return 'name cannot be empty';
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
  }
}
