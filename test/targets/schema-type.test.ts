import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENUM_TABLES, FIELD_TABLES, TARGET_SCHEMA_PATH, listTargets, targetsDir } from '../../ts/targets/index.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const schema: Json = JSON.parse(readFileSync(join(targetsDir(), TARGET_SCHEMA_PATH), 'utf8'));

/** Follows a local "#/definitions/x" reference. */
function deref(node: Json | undefined): JsonObject {
  if (!isObject(node)) throw new Error('schema node is not an object');
  const ref = node['$ref'];
  if (typeof ref !== 'string') return node;
  let target: Json | undefined = schema;
  for (const key of ref.replace(/^#\//, '').split('/')) target = isObject(target) ? target[key] : undefined;
  return deref(target);
}

/** The schema object describing the data at a pointer such as /memory/ram/* . */
function schemaAt(pointer: string): JsonObject {
  let node = deref(schema);
  for (const key of pointer.split('/').filter((part) => part !== '')) {
    if (key === '*') node = deref(node['items']);
    else {
      const properties = node['properties'];
      if (!isObject(properties)) throw new Error(`no properties at ${pointer}`);
      node = deref(properties[key]);
    }
  }
  return node;
}

describe('schema and TypeScript types', () => {
  for (const [pointer, table] of Object.entries(FIELD_TABLES)) {
    it(`agree on the fields of ${pointer === '' ? '/' : pointer}`, () => {
      const node = schemaAt(pointer);
      const properties = node['properties'];
      if (!isObject(properties)) throw new Error('no properties');
      expect(Object.keys(properties).sort()).toEqual(Object.keys(table).sort());
      const required = node['required'];
      const schemaRequired = Array.isArray(required) ? required.map(String).sort() : [];
      const typeRequired = Object.entries(table)
        .filter(([, isRequired]) => isRequired)
        .map(([key]) => key)
        .sort();
      expect(schemaRequired).toEqual(typeRequired);
      expect(node['additionalProperties']).toBe(false);
    });
  }

  for (const [pointer, values] of Object.entries(ENUM_TABLES)) {
    it(`agree on the values of ${pointer}`, () => {
      expect(schemaAt(pointer)['enum']).toEqual([...values]);
    });
  }

  it('cover every object in the schema with a field table', () => {
    const pointers: string[] = [];
    const walk = (node: JsonObject, pointer: string): void => {
      const properties = node['properties'];
      if (isObject(properties)) {
        pointers.push(pointer);
        for (const [key, child] of Object.entries(properties)) walk(deref(child), `${pointer}/${key}`);
      }
      if (node['items'] !== undefined) walk(deref(node['items']), `${pointer}/*`);
    };
    walk(deref(schema), '');
    expect(pointers.sort()).toEqual(Object.keys(FIELD_TABLES).sort());
  });

  it('round-trip every shipped file through the field tables: required keys present, no other keys', () => {
    const tables: Record<string, Record<string, boolean>> = FIELD_TABLES;
    let objectsChecked = 0;
    const visit = (value: unknown, pointer: string): void => {
      if (Array.isArray(value)) {
        value.forEach((item) => visit(item, `${pointer}/*`));
        return;
      }
      if (typeof value !== 'object' || value === null) return;
      const table = tables[pointer];
      if (table === undefined) throw new Error(`object at ${pointer} has no field table`);
      objectsChecked += 1;
      const keys = Object.keys(value);
      for (const key of keys) expect(Object.keys(table), `${pointer}/${key}`).toContain(key);
      for (const [key, isRequired] of Object.entries(table)) if (isRequired) expect(keys, `${pointer} requires ${key}`).toContain(key);
      for (const [key, child] of Object.entries(value)) visit(child, `${pointer}/${key}`);
    };
    for (const def of listTargets()) visit(JSON.parse(JSON.stringify(def)), '');
    // 7 files: top, cpu, memory, uart, features on each, plus regions, methods and emulators.
    expect(objectsChecked).toBeGreaterThan(7 * 5);
  });
});
