/**
 * The resolved model, in wit-parser's shape: arenas of types, interfaces, worlds and packages
 * referring to each other by index. Both the per-package resolver and the cross-package Resolve
 * build these.
 */
import type { Primitive } from './ast.js';
import type { Span } from './source-map.js';

/** A primitive by name, or a type definition by its index. */
export type Type = Primitive | number;

export interface Docs {
  readonly contents: string | null;
}
export const NO_DOCS: Docs = { contents: null };

export type Stability =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'stable'; readonly since: string; readonly deprecated: string | null }
  | { readonly kind: 'unstable'; readonly feature: string; readonly deprecated: string | null };
export const UNKNOWN_STABILITY: Stability = { kind: 'unknown' };

export function sameStability(a: Stability, b: Stability): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'unknown' || b.kind === 'unknown') return true;
  if (a.kind === 'stable' && b.kind === 'stable') return a.since === b.since && a.deprecated === b.deprecated;
  if (a.kind === 'unstable' && b.kind === 'unstable') return a.feature === b.feature && a.deprecated === b.deprecated;
  return false;
}

export type TypeOwner = { readonly world: number } | { readonly interface: number } | null;

export function sameOwner(a: TypeOwner, b: TypeOwner): boolean {
  if (a === null || b === null) return a === b;
  if ('world' in a) return 'world' in b && a.world === b.world;
  return 'interface' in b && a.interface === b.interface;
}

export interface Field {
  readonly name: string;
  ty: Type;
  readonly docs: Docs;
  readonly span: Span;
}

export interface Case {
  readonly name: string;
  ty: Type | null;
  readonly docs: Docs;
  readonly span: Span;
}

export interface NamedDoc {
  readonly name: string;
  readonly docs: Docs;
  readonly span: Span;
}

export type TypeDefKind =
  | { readonly tag: 'record'; readonly fields: Field[] }
  | { readonly tag: 'resource' }
  | { readonly tag: 'handle'; readonly handle: 'own' | 'borrow'; id: number }
  | { readonly tag: 'flags'; readonly flags: readonly NamedDoc[] }
  | { readonly tag: 'tuple'; readonly types: Type[] }
  | { readonly tag: 'variant'; readonly cases: Case[] }
  | { readonly tag: 'enum'; readonly cases: readonly NamedDoc[] }
  | { readonly tag: 'option'; ty: Type }
  | { readonly tag: 'result'; ok: Type | null; err: Type | null }
  | { readonly tag: 'list'; ty: Type }
  | { readonly tag: 'map'; key: Type; value: Type }
  | { readonly tag: 'fixed-length-list'; ty: Type; readonly size: number }
  | { readonly tag: 'future'; ty: Type | null }
  | { readonly tag: 'stream'; ty: Type | null }
  | { readonly tag: 'type'; ty: Type }
  | { readonly tag: 'unknown' };

export interface TypeDef {
  name: string | null;
  kind: TypeDefKind;
  owner: TypeOwner;
  readonly docs: Docs;
  readonly stability: Stability;
  readonly span: Span;
  readonly externalId: string | null;
}

export type FunctionKind =
  | { readonly tag: 'freestanding' | 'async-freestanding' }
  | { readonly tag: 'method' | 'async-method' | 'static' | 'async-static' | 'constructor'; resource: number };

export interface Param {
  readonly name: string;
  ty: Type;
  readonly span: Span;
}

export interface Func {
  name: string;
  readonly kind: FunctionKind;
  readonly params: Param[];
  result: Type | null;
  readonly docs: Docs;
  readonly stability: Stability;
  readonly span: Span;
  readonly externalId: string | null;
}

export interface Interface {
  name: string | null;
  types: Map<string, number>;
  functions: Map<string, Func>;
  docs: Docs;
  stability: Stability;
  package: number | null;
  readonly span: Span;
  cloneOf: number | null;
}

export type WorldKey = { readonly name: string } | { readonly interface: number };

/** A world key as a Map key: names and interface ids never collide. */
export function worldKeyString(key: WorldKey): string {
  return 'name' in key ? `n:${key.name}` : `i:${key.interface}`;
}

export type WorldItem =
  | {
      readonly tag: 'interface';
      id: number;
      stability: Stability;
      readonly docs: Docs;
      readonly externalId: string | null;
      readonly span: Span;
    }
  | { readonly tag: 'function'; readonly func: Func }
  | { readonly tag: 'type'; id: number; readonly span: Span };

export interface WorldEntry {
  key: WorldKey;
  item: WorldItem;
}

/** An insertion-ordered map of world items (wit-parser's IndexMap<WorldKey, WorldItem>). */
export type WorldItems = Map<string, WorldEntry>;

export interface IncludeName {
  readonly name: string;
  readonly as: string;
}

export interface WorldInclude {
  readonly stability: Stability;
  readonly id: number;
  readonly names: readonly IncludeName[];
  readonly span: Span;
}

export interface World {
  name: string;
  imports: WorldItems;
  exports: WorldItems;
  package: number | null;
  docs: Docs;
  stability: Stability;
  includes: WorldInclude[];
  readonly span: Span;
}

export interface PackageName {
  readonly namespace: string;
  readonly name: string;
  readonly version: string | null;
}

export function packageNameString(name: PackageName): string {
  return `${name.namespace}:${name.name}${name.version === null ? '' : `@${name.version}`}`;
}

export interface Package {
  readonly name: PackageName;
  readonly docs: Docs;
  readonly interfaces: Map<string, number>;
  readonly worlds: Map<string, number>;
}

export type AstItemRef = { readonly interface: number } | { readonly world: number };

export interface ForeignDep {
  readonly item: AstItemRef;
  readonly stabilities: Stability[];
}

/** One package as its own files define it, before it is joined to its dependencies. */
export interface UnresolvedPackage {
  readonly name: PackageName;
  readonly packageNameSpan: Span;
  readonly docs: Docs;
  readonly worlds: World[];
  readonly interfaces: Interface[];
  readonly types: TypeDef[];
  /** Keyed by packageNameString, then by interface or world name, in first-use order. */
  readonly foreignDeps: Map<string, { readonly name: PackageName; readonly items: Map<string, ForeignDep> }>;
  readonly unknownTypeSpans: Span[];
  readonly foreignDepSpans: Span[];
  readonly requiredResourceTypes: { readonly id: number; readonly span: Span }[];
}

export function typeIdOf(ty: Type | null): number | null {
  return typeof ty === 'number' ? ty : null;
}
