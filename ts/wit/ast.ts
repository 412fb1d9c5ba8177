/** The WIT syntax tree of one file, as the parser builds it (wit-parser's `ast` module). */
import type { Span } from './source-map.js';

export interface Id {
  readonly name: string;
  readonly span: Span;
}

export interface Docs {
  /** Each comment's raw text, in order. */
  readonly comments: readonly string[];
  /** Offset of the first comment, or -1 when there are none. */
  readonly start: number;
}

export interface PackageNameAst {
  readonly docs: Docs;
  readonly span: Span;
  readonly namespace: Id;
  readonly name: Id;
  readonly version: { readonly span: Span; readonly text: string } | null;
}

export type Attribute =
  | { readonly kind: 'since'; readonly span: Span; readonly version: string }
  | { readonly kind: 'unstable'; readonly span: Span; readonly feature: string }
  | { readonly kind: 'deprecated'; readonly span: Span; readonly version: string }
  | { readonly kind: 'external-id'; readonly span: Span; readonly id: string };

export type UsePath =
  | { readonly kind: 'id'; readonly id: Id }
  | { readonly kind: 'package'; readonly pkg: PackageNameAst; readonly name: Id };

export interface PackageFile {
  readonly packageId: PackageNameAst | null;
  readonly items: AstItem[];
}

export type AstItem =
  | { readonly kind: 'interface'; readonly value: InterfaceAst }
  | { readonly kind: 'world'; readonly value: WorldAst }
  | { readonly kind: 'use'; readonly value: ToplevelUse }
  | { readonly kind: 'package'; readonly value: PackageFile };

export interface ToplevelUse {
  readonly span: Span;
  readonly attributes: readonly Attribute[];
  readonly item: UsePath;
  readonly as: Id | null;
}

export interface InterfaceAst {
  readonly docs: Docs;
  readonly attributes: readonly Attribute[];
  readonly name: Id;
  readonly items: readonly InterfaceItem[];
}

export interface WorldAst {
  readonly docs: Docs;
  readonly attributes: readonly Attribute[];
  readonly name: Id;
  readonly items: readonly WorldItemAst[];
}

export type InterfaceItem =
  | { readonly kind: 'typedef'; readonly value: TypeDefAst }
  | { readonly kind: 'func'; readonly value: NamedFunc }
  | { readonly kind: 'use'; readonly value: UseAst };

export type WorldItemAst =
  | { readonly kind: 'import'; readonly docs: Docs; readonly attributes: readonly Attribute[]; readonly extern: ExternKind }
  | { readonly kind: 'export'; readonly docs: Docs; readonly attributes: readonly Attribute[]; readonly extern: ExternKind }
  | { readonly kind: 'use'; readonly value: UseAst }
  | { readonly kind: 'typedef'; readonly value: TypeDefAst }
  | { readonly kind: 'include'; readonly value: IncludeAst };

export type ExternKind =
  | { readonly kind: 'interface'; readonly name: Id; readonly items: readonly InterfaceItem[] }
  | { readonly kind: 'path'; readonly path: UsePath }
  | { readonly kind: 'func'; readonly name: Id; readonly func: FuncAst }
  | { readonly kind: 'named-path'; readonly name: Id; readonly path: UsePath };

export interface UseAst {
  readonly attributes: readonly Attribute[];
  readonly from: UsePath;
  readonly names: readonly { readonly name: Id; readonly as: Id | null }[];
}

export interface IncludeAst {
  readonly attributes: readonly Attribute[];
  readonly from: UsePath;
  readonly names: readonly { readonly name: Id; readonly as: Id }[];
}

export interface TypeDefAst {
  readonly docs: Docs;
  readonly attributes: readonly Attribute[];
  readonly name: Id;
  readonly ty: TypeAst;
}

export interface NamedFunc {
  readonly docs: Docs;
  readonly attributes: readonly Attribute[];
  readonly name: Id;
  readonly func: FuncAst;
}

export interface FuncAst {
  readonly span: Span;
  readonly async: boolean;
  readonly params: readonly { readonly name: Id; readonly ty: TypeAst }[];
  readonly result: TypeAst | null;
}

export type ResourceFunc =
  | { readonly kind: 'method'; readonly func: NamedFunc }
  | { readonly kind: 'static'; readonly func: NamedFunc }
  | { readonly kind: 'constructor'; readonly func: NamedFunc };

export const PRIMITIVES = ['bool', 'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'f32', 'f64', 'char', 'string', 'error-context'] as const;
export type Primitive = (typeof PRIMITIVES)[number];

export type TypeAst =
  | { readonly kind: 'primitive'; readonly name: Primitive; readonly span: Span }
  | { readonly kind: 'name'; readonly id: Id; readonly span: Span }
  | { readonly kind: 'list'; readonly span: Span; readonly ty: TypeAst }
  | { readonly kind: 'fixed-length-list'; readonly span: Span; readonly ty: TypeAst; readonly size: number }
  | { readonly kind: 'map'; readonly span: Span; readonly key: TypeAst; readonly value: TypeAst }
  | { readonly kind: 'handle'; readonly handle: 'own' | 'borrow'; readonly resource: Id; readonly span: Span }
  | { readonly kind: 'resource'; readonly span: Span; readonly funcs: readonly ResourceFunc[] }
  | { readonly kind: 'record'; readonly span: Span; readonly fields: readonly { readonly docs: Docs; readonly name: Id; readonly ty: TypeAst }[] }
  | { readonly kind: 'flags'; readonly span: Span; readonly flags: readonly { readonly docs: Docs; readonly name: Id }[] }
  | { readonly kind: 'variant'; readonly span: Span; readonly cases: readonly { readonly docs: Docs; readonly name: Id; readonly ty: TypeAst | null }[] }
  | { readonly kind: 'enum'; readonly span: Span; readonly cases: readonly { readonly docs: Docs; readonly name: Id }[] }
  | { readonly kind: 'tuple'; readonly span: Span; readonly types: readonly TypeAst[] }
  | { readonly kind: 'option'; readonly span: Span; readonly ty: TypeAst }
  | { readonly kind: 'result'; readonly span: Span; readonly ok: TypeAst | null; readonly err: TypeAst | null }
  | { readonly kind: 'future'; readonly span: Span; readonly ty: TypeAst | null }
  | { readonly kind: 'stream'; readonly span: Span; readonly ty: TypeAst | null };

/** The direct children of a type, in source order (for walks that keep their own stack). */
export function typeChildren(ty: TypeAst): TypeAst[] {
  switch (ty.kind) {
    case 'list':
    case 'fixed-length-list':
    case 'option':
      return [ty.ty];
    case 'map':
      return [ty.key, ty.value];
    case 'record':
      return ty.fields.map((f) => f.ty);
    case 'variant':
      return ty.cases.flatMap((c) => (c.ty === null ? [] : [c.ty]));
    case 'tuple':
      return [...ty.types];
    case 'result':
      return [...(ty.ok === null ? [] : [ty.ok]), ...(ty.err === null ? [] : [ty.err])];
    case 'future':
    case 'stream':
      return ty.ty === null ? [] : [ty.ty];
    default:
      return [];
  }
}
