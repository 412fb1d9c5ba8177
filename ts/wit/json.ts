/** A Resolve as JSON in wit-parser's serde shape (what its `*.wit.json` test expectations hold). */
import type { Docs, Func, FunctionKind, Stability, Type, TypeDef, TypeDefKind, TypeOwner, WorldItems } from './model.js';
import { packageNameString } from './model.js';
import type { Resolve } from './resolve.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function docs(out: Record<string, Json>, value: Docs): void {
  if (value.contents !== null) out['docs'] = { contents: value.contents };
}

function stability(out: Record<string, Json>, value: Stability): void {
  if (value.kind === 'unknown') return;
  const body: Record<string, Json> = value.kind === 'stable' ? { since: value.since } : { feature: value.feature };
  if (value.deprecated !== null) body['deprecated'] = value.deprecated;
  out['stability'] = { [value.kind]: body };
}

function type(value: Type | null): Json {
  return value;
}

function owner(value: TypeOwner): Json {
  if (value === null) return null;
  return 'world' in value ? { world: value.world } : { interface: value.interface };
}

/** A field, case or flag: its name, what else it has, and its docs when it has any. */
function member(value: { readonly name: string; readonly docs: Docs }, rest: Record<string, Json>): Json {
  const out: Record<string, Json> = { name: value.name, ...rest };
  docs(out, value.docs);
  return out;
}

function kind(value: TypeDefKind): Json {
  switch (value.tag) {
    case 'record':
      return { record: { fields: value.fields.map((f) => member(f, { type: type(f.ty) })) } };
    case 'resource':
      return 'resource';
    case 'unknown':
      return 'unknown';
    case 'handle':
      return { handle: { [value.handle]: value.id } };
    case 'flags':
      return { flags: { flags: value.flags.map((f) => member(f, {})) } };
    case 'tuple':
      return { tuple: { types: value.types.map(type) } };
    case 'variant':
      return { variant: { cases: value.cases.map((c) => member(c, { type: type(c.ty) })) } };
    case 'enum':
      return { enum: { cases: value.cases.map((c) => member(c, {})) } };
    case 'option':
    case 'list':
    case 'future':
    case 'stream':
    case 'type':
      return { [value.tag]: type(value.ty) };
    case 'result':
      return { result: { ok: type(value.ok), err: type(value.err) } };
    case 'map':
      return { map: [type(value.key), type(value.value)] };
    case 'fixed-length-list':
      return { 'fixed-length-list': [type(value.ty), value.size] };
  }
}

function functionKind(value: FunctionKind): Json {
  return 'resource' in value ? { [value.tag]: value.resource } : value.tag;
}

function func(value: Func): Json {
  const out: Record<string, Json> = {
    name: value.name,
    kind: functionKind(value.kind),
    params: value.params.map((p): Json => (p.name === '' ? { type: type(p.ty) } : { name: p.name, type: type(p.ty) })),
  };
  if (value.result !== null) out['result'] = type(value.result);
  docs(out, value.docs);
  stability(out, value.stability);
  if (value.externalId !== null) out['external_id'] = value.externalId;
  return out;
}

function worldItems(items: WorldItems): Json {
  const out: Record<string, Json> = {};
  for (const { key, item } of items.values()) {
    const name = 'name' in key ? key.name : `interface-${key.interface}`;
    if (item.tag === 'function') {
      out[name] = { function: func(item.func) };
    } else if (item.tag === 'type') {
      out[name] = { type: item.id };
    } else {
      const body: Record<string, Json> = { id: item.id };
      stability(body, item.stability);
      if (item.externalId !== null) body['external_id'] = item.externalId;
      docs(body, item.docs);
      out[name] = { interface: body };
    }
  }
  return out;
}

function typeDef(value: TypeDef): Json {
  const out: Record<string, Json> = { name: value.name, kind: kind(value.kind), owner: owner(value.owner) };
  docs(out, value.docs);
  stability(out, value.stability);
  if (value.externalId !== null) out['external_id'] = value.externalId;
  return out;
}

/** The whole Resolve: worlds, interfaces, types, packages, ids as indices. */
export function resolveToJson(resolve: Resolve): Json {
  return {
    worlds: resolve.worlds.map((w) => {
      const out: Record<string, Json> = { name: w.name, imports: worldItems(w.imports), exports: worldItems(w.exports), package: w.package };
      docs(out, w.docs);
      stability(out, w.stability);
      return out;
    }),
    interfaces: resolve.interfaces.map((i) => {
      const out: Record<string, Json> = {
        name: i.name,
        types: Object.fromEntries(i.types),
        functions: Object.fromEntries([...i.functions].map(([k, f]) => [k, func(f)])),
      };
      docs(out, i.docs);
      stability(out, i.stability);
      out['package'] = i.package;
      if (i.cloneOf !== null) out['clone_of'] = i.cloneOf;
      return out;
    }),
    types: resolve.types.map(typeDef),
    packages: resolve.packages.map((p) => {
      const out: Record<string, Json> = { name: packageNameString(p.name) };
      docs(out, p.docs);
      out['interfaces'] = Object.fromEntries(p.interfaces);
      out['worlds'] = Object.fromEntries(p.worlds);
      return out;
    }),
  };
}

export type { Json };
