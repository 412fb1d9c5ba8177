import { LIMIT_KEYS, LIMIT_SPECS, type LimitKind } from './limit-specs.js';
import { WIT_LIMIT_KEYS, WIT_LIMIT_SPECS, WIT_PRESET_NAMES } from './wit-specs.js';

/**
 * JSON Schema (draft-07) of wrt-target.yaml. It checks shape and types only; the values are read
 * by the same parsers as flags and environment variables, so "64MiB" means the same everywhere
 * and a bad value gets VALUE_INVALID with the field, not a schema message.
 */
const VALUE_TYPES: Readonly<Record<LimitKind, readonly string[]>> = {
  bytes: ['integer', 'string'],
  count: ['integer'],
  'debug-level': ['string'],
  asil: ['string'],
  platform: ['string'],
};

function limitProperties(): Record<string, { type: string | readonly string[]; description: string }> {
  const properties: Record<string, { type: string | readonly string[]; description: string }> = {};
  for (const key of LIMIT_KEYS) {
    const spec = LIMIT_SPECS[key];
    const types = VALUE_TYPES[spec.kind];
    properties[key] = { type: types.length === 1 && types[0] !== undefined ? types[0] : types, description: spec.description };
  }
  return properties;
}

function witProperties(): Record<string, { type: string | readonly string[]; description: string; enum?: readonly string[] }> {
  const properties: Record<string, { type: string | readonly string[]; description: string; enum?: readonly string[] }> = {
    preset: { type: 'string', enum: WIT_PRESET_NAMES, description: 'the preset every WIT limit starts from: small, medium, large' },
  };
  for (const key of WIT_LIMIT_KEYS) {
    const spec = WIT_LIMIT_SPECS[key];
    properties[key] = { type: spec.kind === 'bytes' ? ['integer', 'string'] : 'integer', description: spec.description };
  }
  return properties;
}

export const CONFIG_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://wrt-target.dev/schemas/wrt-target-config.json',
  title: 'wrt-target configuration (wrt-target.yaml)',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string', description: 'schema reference for editors; ignored by wrt-target' },
    limits: {
      type: 'object',
      additionalProperties: false,
      description: 'limits for this machine or target; flags and WRT_* variables override them',
      properties: limitProperties(),
    },
    wit: {
      type: 'object',
      additionalProperties: false,
      description: 'bounds of the WIT checker (wrt-target wit); flags and WRT_WIT_* variables override them',
      properties: witProperties(),
    },
  },
} as const;
