import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile, locateConfigFile, parseConfigText } from '../../ts/limits/config-file.js';
import { gatherLimitInputs } from '../../ts/limits/gather.js';
import { parseConfigLayer } from '../../ts/limits/layers.js';
import { resolveLimits } from '../../ts/limits/resolve.js';
import { rejected, thrown } from '../support/wrt-error.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wrt-limits-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function layerOf(text: string, file = 'wrt-target.yaml') {
  const loaded = await parseConfigText(text, file);
  return parseConfigLayer(loaded.config, loaded.file, loaded.lineOf);
}

describe('config file contents', () => {
  it('reads every limit with the file and field as its source', async () => {
    const layer = await layerOf(
      [
        '# target box',
        'limits:',
        '  platform: qnx',
        '  maxMemory: 64MiB',
        '  maxStack: 131072',
        '  maxLinearMemory: "16M"',
        '  maxComponents: 2',
        '  maxInstances: 6',
        '  debugLevel: basic',
        '  asil: ASIL-C',
        '  cpus: 4',
        '',
      ].join('\n'),
      './wrt-target.yaml',
    );
    expect(layer).toEqual({
      platform: { value: 'qnx', source: 'config ./wrt-target.yaml: limits.platform' },
      maxMemory: { value: 67108864, source: 'config ./wrt-target.yaml: limits.maxMemory' },
      maxStack: { value: 131072, source: 'config ./wrt-target.yaml: limits.maxStack' },
      maxLinearMemory: { value: 16777216, source: 'config ./wrt-target.yaml: limits.maxLinearMemory' },
      maxComponents: { value: 2, source: 'config ./wrt-target.yaml: limits.maxComponents' },
      maxInstances: { value: 6, source: 'config ./wrt-target.yaml: limits.maxInstances' },
      debugLevel: { value: 'basic', source: 'config ./wrt-target.yaml: limits.debugLevel' },
      asil: { value: 'C', source: 'config ./wrt-target.yaml: limits.asil' },
      cpus: { value: 4, source: 'config ./wrt-target.yaml: limits.cpus' },
    });
  });

  it('reads JSON, an empty file and a file without limits', async () => {
    expect(await layerOf('{"limits": {"maxMemory": "1GiB", "cpus": 2}}', 'c.json')).toEqual({
      maxMemory: { value: 1073741824, source: 'config c.json: limits.maxMemory' },
      cpus: { value: 2, source: 'config c.json: limits.cpus' },
    });
    expect(await layerOf('')).toEqual({});
    expect(await layerOf('# nothing yet\n')).toEqual({});
    expect(await layerOf('$schema: ./schema.json\nlimits: {}\n')).toEqual({});
  });

  it('reports YAML syntax errors as CONFIG_PARSE with the line', async () => {
    const error = await rejected(parseConfigText('limits:\n  maxMemory: 64M\n  cpus: [1, 2\n', 'bad.yaml'));
    expect(error.code).toBe('CONFIG_PARSE');
    expect(error.exitCode).toBe(2);
    expect(error.location.file).toBe('bad.yaml');
    expect(error.location.line).toBeGreaterThanOrEqual(3);
    expect(error.message).toMatch(/^not valid YAML: /);
    expect(error.message).not.toContain('\n');

    const tabs = await rejected(parseConfigText('limits:\n  maxMemory: 1M\n\tcpus: 2\n', 'tab.yaml'));
    expect(tabs.code).toBe('CONFIG_PARSE');
    expect(tabs.location.line).toBe(3);

    const duplicate = await rejected(parseConfigText('limits:\n  cpus: 1\n  cpus: 2\n', 'dup.yaml'));
    expect(duplicate.code).toBe('CONFIG_PARSE');
    expect(duplicate.location.line).toBe(3);
  });

  it('reports an unknown key as CONFIG_SCHEMA naming the field path, file and line', async () => {
    const error = await rejected(parseConfigText('limits:\n  maxMemory: 64M\n  maxMemry: 32M\n', './wrt-target.yaml'));
    expect(error.code).toBe('CONFIG_SCHEMA');
    expect(error.location).toEqual({ file: './wrt-target.yaml', field: '/limits/maxMemry', line: 3, limit: 'known fields: platform, maxMemory, maxStack, maxLinearMemory, maxComponents, maxInstances, debugLevel, asil, cpus' });
    expect(error.message).toBe('/limits/maxMemry is not a known field; did you mean maxMemory?');
    const top = await rejected(parseConfigText('limit:\n  cpus: 1\n', 'x.yaml'));
    expect(top.location).toEqual({ file: 'x.yaml', field: '/limit', line: 1, limit: 'known fields: $schema, limits, wit' });
    expect(top.message).toBe('/limit is not a known field; did you mean limits?');
    const far = await rejected(parseConfigText('limits:\n  colour: red\n', 'x.yaml'));
    expect(far.message).toBe('/limits/colour is not a known field');
  });

  it('reports a wrong type as CONFIG_SCHEMA with field and line', async () => {
    const error = await rejected(parseConfigText('limits:\n  cpus: 2\n  maxComponents: eight\n', 'x.yaml'));
    expect(error.code).toBe('CONFIG_SCHEMA');
    expect(error.location).toEqual({ file: 'x.yaml', field: '/limits/maxComponents', line: 3, limit: 'must be of type integer' });
    expect(error.message).toBe('/limits/maxComponents is "eight", not a whole number');

    const bytes = await rejected(parseConfigText('limits:\n  maxMemory: [1]\n', 'x.yaml'));
    expect(bytes.message).toBe('/limits/maxMemory is a list of 1, not a whole number or a string');

    const limits = await rejected(parseConfigText('limits:\n  - cpus\n', 'x.yaml'));
    expect(limits.location.field).toBe('/limits');
    expect(limits.message).toBe('/limits is a list of 1, not a mapping');

    const root = await rejected(parseConfigText('- a\n- b\n', 'x.yaml'));
    expect(root.location.field).toBe('/');
    expect(root.message).toBe('/ is a list of 2, not a mapping');
  });

  it('reports a malformed value as VALUE_INVALID with file, field, line and source', async () => {
    const loaded = await parseConfigText('limits:\n  debugLevel: none\n  maxMemory: 64 parsecs\n', 'cfg.yaml');
    const error = thrown(() => parseConfigLayer(loaded.config, loaded.file, loaded.lineOf));
    expect(error.code).toBe('VALUE_INVALID');
    expect(error.location).toEqual({ file: 'cfg.yaml', field: 'limits.maxMemory', line: 3, source: 'config cfg.yaml: limits.maxMemory' });
    expect(error.describe()).toBe(
      'cfg.yaml: line 3: limits.maxMemory: "64 parsecs" is not a size: expected a whole number of bytes, optionally with a unit: 65536, 4k, 64KiB, 64M (= MiB), 1GiB, 1.5GiB, 500MB (= 10^6)',
    );
    const loaded2 = await parseConfigText('limits:\n  maxInstances: 0\n', 'cfg.yaml');
    const zero = thrown(() => parseConfigLayer(loaded2.config, loaded2.file, loaded2.lineOf));
    expect(zero.location.limit).toBe('at least 1');
    expect(zero.location.line).toBe(2);
  });
});

describe('config file location', () => {
  const exists = (present: string[]) => (path: string) => present.includes(path);

  it('prefers --config, then WRT_CONFIG, then ./wrt-target.yaml when present', () => {
    const cwd = '/work/box';
    expect(locateConfigFile({ cliPath: 'a.yaml', env: { WRT_CONFIG: '/etc/b.yaml' }, cwd })).toEqual({
      path: '/work/box/a.yaml',
      file: 'a.yaml',
      source: 'cli --config',
    });
    expect(locateConfigFile({ env: { WRT_CONFIG: '/etc/b.yaml' }, cwd, exists: exists(['/work/box/wrt-target.yaml']) })).toEqual({
      path: '/etc/b.yaml',
      file: '/etc/b.yaml',
      source: 'env WRT_CONFIG',
    });
    expect(locateConfigFile({ env: { WRT_CONFIG: '' }, cwd, exists: exists(['/work/box/wrt-target.yaml']) })).toEqual({
      path: '/work/box/wrt-target.yaml',
      file: './wrt-target.yaml',
      source: 'default',
    });
    expect(locateConfigFile({ env: {}, cwd, exists: exists([]) })).toBeNull();
  });

  it('a named file that does not exist is FILE_NOT_FOUND with its source', async () => {
    const location = locateConfigFile({ env: { WRT_CONFIG: 'missing.yaml' }, cwd: dir });
    if (location === null) throw new Error('expected a location');
    const error = await rejected(loadConfigFile(location));
    expect(error.code).toBe('FILE_NOT_FOUND');
    expect(error.location).toEqual({ file: 'missing.yaml', source: 'env WRT_CONFIG' });
  });

  it('a directory is FILE_READ_FAILED', async () => {
    const error = await rejected(loadConfigFile({ path: dir, file: 'somedir', source: 'cli --config' }));
    expect(error.code).toBe('FILE_READ_FAILED');
    expect(error.location).toEqual({ file: 'somedir', source: 'cli --config' });
    expect(error.message).toBe('the config file is a directory, not a regular file: name a file');
  });
});

describe('gathering inputs', () => {
  it('reads flags, variables and the default config file, then resolves with provenance', async () => {
    write('wrt-target.yaml', 'limits:\n  maxMemory: 256MiB\n  maxStack: 2MiB\n  cpus: 2\n');
    const inputs = await gatherLimitInputs({
      options: { maxMemory: '128MiB' },
      env: { WRT_MAX_MEMORY: '192MiB', WRT_CPUS: '3' },
      cwd: dir,
      discovered: { maxMemory: { value: 512 * 2 ** 20, source: 'cgroup v2 memory.max' } },
    });
    expect(inputs.configFile?.file).toBe('./wrt-target.yaml');
    const limits = resolveLimits(inputs);
    expect(limits.maxMemory.value).toBe(128 * 2 ** 20);
    expect(limits.maxMemory.source).toBe('cli --max-memory');
    expect(limits.maxMemory.overrides.map((c) => c.source)).toEqual([
      'env WRT_MAX_MEMORY',
      'config ./wrt-target.yaml: limits.maxMemory',
      'discovered: cgroup v2 memory.max',
      'default',
    ]);
    expect(limits.maxStack).toEqual({
      value: 2 * 2 ** 20,
      layer: 'config',
      source: 'config ./wrt-target.yaml: limits.maxStack',
      overrides: [{ value: 2 ** 20, layer: 'default', source: 'default' }],
    });
    expect(limits.cpus.source).toBe('env WRT_CPUS');
  });

  it('an explicit --config must exist', async () => {
    const error = await rejected(gatherLimitInputs({ options: { config: 'nope.yaml' }, env: {}, cwd: dir }));
    expect(error.code).toBe('FILE_NOT_FOUND');
    expect(error.location).toEqual({ file: 'nope.yaml', source: 'cli --config' });
  });

  it('reads a file named by WRT_CONFIG over the default one', async () => {
    write('other.yaml', 'limits:\n  debugLevel: full\n');
    const inputs = await gatherLimitInputs({ options: {}, env: { WRT_CONFIG: 'other.yaml' }, cwd: dir });
    expect(inputs.configFile?.source).toBe('env WRT_CONFIG');
    expect(inputs.config).toEqual({ debugLevel: { value: 'full', source: 'config other.yaml: limits.debugLevel' } });
  });
});

describe('config schema', () => {
  it('is a valid draft-07 schema under strict mode', async () => {
    const { CONFIG_SCHEMA } = await import('../../ts/limits/config-schema.js');
    const { AJV_OPTIONS } = await import('../../ts/core/schema-validator.js');
    const Ajv = (await import('ajv')).default;
    const ajv = new Ajv({ ...AJV_OPTIONS });
    expect(ajv.validateSchema(CONFIG_SCHEMA)).toBe(true);
    const validate = ajv.compile(CONFIG_SCHEMA);
    expect(validate({ limits: { maxMemory: '1M', cpus: 2 } })).toBe(true);
    expect(validate({ limits: { cpus: '2' } })).toBe(false);
    expect(CONFIG_SCHEMA.properties.limits.properties).toEqual({
      platform: { type: 'string', description: expect.any(String) },
      maxMemory: { type: ['integer', 'string'], description: expect.any(String) },
      maxStack: { type: ['integer', 'string'], description: expect.any(String) },
      maxLinearMemory: { type: ['integer', 'string'], description: expect.any(String) },
      maxComponents: { type: 'integer', description: expect.any(String) },
      maxInstances: { type: 'integer', description: expect.any(String) },
      debugLevel: { type: 'string', description: expect.any(String) },
      asil: { type: 'string', description: expect.any(String) },
      cpus: { type: 'integer', description: expect.any(String) },
    });
  });
});
