/**
 * JSON Schema (draft-07) of the profile's JSON form (`wrt-target/profile`, schemaVersion 1). Every object is
 * closed (no extra keys), so a consumer that validates against it sees exactly these fields.
 */
import { PROFILE_DOCUMENT } from './types.js';

const count = { type: 'integer', minimum: 0 } as const;
const sha = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;
const text = { type: 'string' } as const;

function closed(properties: Record<string, unknown>, optional: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'object', additionalProperties: false, required: Object.keys(properties), properties: { ...properties, ...optional } };
}

export const PROFILE_JSON_SCHEMA: Record<string, unknown> = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://wrt-target.dev/schema/profile-1.json',
  title: `wrt-target/${PROFILE_DOCUMENT.name}`,
  ...closed({
    schema: { const: `wrt-target/${PROFILE_DOCUMENT.name}` },
    schemaVersion: { const: PROFILE_DOCUMENT.version },
    moduleSha256: sha,
    moduleBytes: count,
    target: closed({ id: text, pointerBits: { enum: [32, 64] }, host: { type: 'boolean' } }),
    toolchain: text,
    asil: { enum: ['QM', 'A', 'B', 'C', 'D'] },
    debug: { enum: ['none', 'basic', 'full'] },
    memory: closed({
      initialPages: count,
      maximumPages: count,
      bytes: count,
      truncated: { type: 'boolean' },
      rule: { enum: ['no-memory', 'declared-pages', 'truncated-to-heap-base'] },
    }),
    tables: closed({ elements: count, elementsMax: count }),
    globals: closed({ slots: count }),
    stack: closed({ valueSlots: count, callDepth: { type: 'integer', minimum: 1 }, controlDepth: count, locals: count }),
    fuel: { anyOf: [count, { type: 'string', pattern: '^[0-9]{1,20}$' }, { type: 'null' }] },
    // policy came after schemaVersion 1's first profiles: a JSON profile without it allows every call.
    imports: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['module', 'name', 'budget'],
        properties: { module: text, name: text, budget: { anyOf: [count, { type: 'null' }] }, policy: { enum: ['allow', 'deny', 'log'] } },
      },
    },
    arena: closed({
      regions: { type: 'array', items: closed({ name: text, offset: count, bytes: count }) },
      totalBytes: count,
      budgetBytes: { type: 'integer' },
      budgetSource: text,
    }),
    cfi: closed({
      software: { type: 'array', items: text },
      hardwareRequired: { type: 'array', items: { enum: ['shstk', 'ibt', 'pac', 'bti'] } },
      hardwareSource: text,
    }),
    components: closed({ maxComponents: count, maxInstances: count, maxResources: count }),
    derivations: { type: 'array', items: closed({ budget: text, value: text, rule: text, source: text }) },
    profileSha256: sha,
  }, {
    // Optional: a profile written before the debug budget has no trace ring and no breakpoints.
    debugBudget: closed({ traceEntries: count, breakpoints: count }),
    // Optional: a profile written before signatures existed requires none.
    signature: { anyOf: [closed({ keyName: text, publicKey: sha }), { type: 'null' }] },
    // Optional: a component's profile only (docs/profile.md, "The component block").
    component: closed({
      componentSha256: sha,
      planSha256: sha,
      instances: {
        type: 'array',
        items: closed({ moduleSha256: sha, metaBytes: count, codeBytes: count, controlBytes: count, memoryBytes: count, tableElements: count, globalSlots: count, valueSlots: count, callDepth: count }),
      },
      handleTables: count,
      handlesPerTable: count,
      valueBufferBytes: count,
      nestingDepth: count,
      adapters: count,
      resourceTypes: count,
    }),
    // Optional, a report only: how the target takes its arena (profile --target). Not in the
    // binary profile, so a device never sees it and a decoded binary profile has none.
    memoryAdapter: closed({
      kind: { enum: ['linux-mmap', 'qnx-typed-memory', 'linker-arena'] },
      lock: { type: 'boolean' },
      populate: { type: 'boolean' },
      hugepages: { type: 'boolean' },
      typedMemoryName: { anyOf: [text, { type: 'null' }] },
      locks: text,
      source: text,
    }),
  }),
};
