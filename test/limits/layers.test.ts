import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseCliLayer, parseEnvLayer } from '../../ts/limits/layers.js';
import { LIMIT_FLAGS, LIMIT_SPECS } from '../../ts/limits/limit-specs.js';
import { thrown } from '../support/wrt-error.js';

describe('environment layer', () => {
  it('reads every WRT_* variable with its source', () => {
    const layer = parseEnvLayer({
      WRT_MAX_MEMORY: '64MiB',
      WRT_MAX_STACK: '256k',
      WRT_MAX_LINEAR_MEMORY: '16M',
      WRT_MAX_COMPONENTS: '4',
      WRT_MAX_INSTANCES: '12',
      WRT_DEBUG_LEVEL: 'Basic',
      WRT_ASIL_LEVEL: 'asil_b',
      WRT_CPUS: '2',
      PATH: '/usr/bin',
    });
    expect(layer).toEqual({
      maxMemory: { value: 67108864, source: 'env WRT_MAX_MEMORY' },
      maxStack: { value: 262144, source: 'env WRT_MAX_STACK' },
      maxLinearMemory: { value: 16777216, source: 'env WRT_MAX_LINEAR_MEMORY' },
      maxComponents: { value: 4, source: 'env WRT_MAX_COMPONENTS' },
      maxInstances: { value: 12, source: 'env WRT_MAX_INSTANCES' },
      debugLevel: { value: 'basic', source: 'env WRT_DEBUG_LEVEL' },
      asil: { value: 'B', source: 'env WRT_ASIL_LEVEL' },
      cpus: { value: 2, source: 'env WRT_CPUS' },
    });
  });

  it('treats an empty variable as unset', () => {
    expect(parseEnvLayer({ WRT_MAX_MEMORY: '', WRT_CPUS: '  ' })).toEqual({});
  });

  it('accepts WRT_MAX_WASM_MEMORY as an alias, naming it as the source', () => {
    expect(parseEnvLayer({ WRT_MAX_WASM_MEMORY: '128KiB' })).toEqual({
      maxLinearMemory: { value: 131072, source: 'env WRT_MAX_WASM_MEMORY' },
    });
    expect(parseEnvLayer({ WRT_MAX_WASM_MEMORY: '1M', WRT_MAX_LINEAR_MEMORY: '1M' }).maxLinearMemory?.source).toBe(
      'env WRT_MAX_LINEAR_MEMORY',
    );
    const error = thrown(() => parseEnvLayer({ WRT_MAX_WASM_MEMORY: '2M', WRT_MAX_LINEAR_MEMORY: '1M' }));
    expect(error.code).toBe('VALUE_INVALID');
    expect(error.location).toEqual({ source: 'env WRT_MAX_WASM_MEMORY', field: 'WRT_MAX_WASM_MEMORY' });
  });

  it('names the variable of a malformed value', () => {
    const error = thrown(() => parseEnvLayer({ WRT_MAX_MEMORY: '64 potatoes' }));
    expect(error.code).toBe('VALUE_INVALID');
    expect(error.exitCode).toBe(2);
    expect(error.location).toEqual({ source: 'env WRT_MAX_MEMORY', field: 'WRT_MAX_MEMORY' });
    expect(error.describe()).toContain('WRT_MAX_MEMORY: from env WRT_MAX_MEMORY: "64 potatoes" is not a size');
  });

  it('refuses zero, negatives and values above the bounds, naming the limit', () => {
    const zero = thrown(() => parseEnvLayer({ WRT_MAX_COMPONENTS: '0' }));
    expect(zero.message).toBe('components must be at least 1, got zero');
    expect(zero.location).toEqual({ source: 'env WRT_MAX_COMPONENTS', field: 'WRT_MAX_COMPONENTS', limit: 'at least 1' });
    expect(thrown(() => parseEnvLayer({ WRT_MAX_MEMORY: '0' })).location.limit).toBe('at least 1 B');
    expect(thrown(() => parseEnvLayer({ WRT_MAX_STACK: '-8k' })).message).toContain('negative');
    expect(thrown(() => parseEnvLayer({ WRT_CPUS: '9000' })).location.limit).toBe('at most 8192');
    const linear = thrown(() => parseEnvLayer({ WRT_MAX_LINEAR_MEMORY: '5GiB' }));
    expect(linear.location.limit).toBe('at most 4 GiB (4294967296 bytes)');
    const page = thrown(() => parseEnvLayer({ WRT_MAX_LINEAR_MEMORY: '100000' }));
    expect(page.message).toBe(
      'wasm linear memory 100000 bytes is not a whole number of 64 KiB wasm pages; the nearest below is 65536 (1 page)',
    );
    expect(page.location.limit).toBe('a multiple of 65536 bytes');
    // Zero linear memory is allowed: a module without a memory.
    expect(parseEnvLayer({ WRT_MAX_LINEAR_MEMORY: '0' }).maxLinearMemory?.value).toBe(0);
    expect(thrown(() => parseEnvLayer({ WRT_MAX_MEMORY: '2PiB' })).code).toBe('VALUE_INVALID');
  });

  it('refuses a lowered-sounding or unknown ASIL with the variable named', () => {
    const error = thrown(() => parseEnvLayer({ WRT_ASIL_LEVEL: 'E' }));
    expect(error.location).toEqual({ source: 'env WRT_ASIL_LEVEL', field: 'WRT_ASIL_LEVEL' });
    expect(error.message).toContain('"E" is not an ASIL level');
  });
});

describe('CLI flags as data', () => {
  it('covers the nine flags with their variables and config keys', () => {
    expect(LIMIT_FLAGS.map((f) => [f.flags, f.env, f.configKey])).toEqual([
      ['--max-memory <bytes>', 'WRT_MAX_MEMORY', 'limits.maxMemory'],
      ['--max-stack <bytes>', 'WRT_MAX_STACK', 'limits.maxStack'],
      ['--max-linear-memory <bytes>', 'WRT_MAX_LINEAR_MEMORY', 'limits.maxLinearMemory'],
      ['--max-components <count>', 'WRT_MAX_COMPONENTS', 'limits.maxComponents'],
      ['--max-instances <count>', 'WRT_MAX_INSTANCES', 'limits.maxInstances'],
      ['--debug-level <level>', 'WRT_DEBUG_LEVEL', 'limits.debugLevel'],
      ['--asil <level>', 'WRT_ASIL_LEVEL', 'limits.asil'],
      ['--cpus <count>', 'WRT_CPUS', 'limits.cpus'],
      ['--config <file>', 'WRT_CONFIG', null],
    ]);
    expect(LIMIT_SPECS.maxMemory.description).toContain('64MiB');
  });

  it('register with commander, whose attribute names are the limit keys', () => {
    const command = new Command('probe').exitOverride();
    for (const f of LIMIT_FLAGS) command.option(f.flags, f.description);
    command.parse(
      ['--max-memory', '64MiB', '--max-linear-memory', '1M', '--debug-level', 'full', '--asil', 'ASIL-D', '--cpus', '3', '--config', 'x.yaml'],
      { from: 'user' },
    );
    const options = command.opts();
    expect(options['config']).toBe('x.yaml');
    expect(parseCliLayer(options)).toEqual({
      maxMemory: { value: 67108864, source: 'cli --max-memory' },
      maxLinearMemory: { value: 1048576, source: 'cli --max-linear-memory' },
      debugLevel: { value: 'full', source: 'cli --debug-level' },
      asil: { value: 'D', source: 'cli --asil' },
      cpus: { value: 3, source: 'cli --cpus' },
    });
  });

  it('names the flag of a malformed value', () => {
    const error = thrown(() => parseCliLayer({ maxStack: 'lots' }));
    expect(error.code).toBe('VALUE_INVALID');
    expect(error.location).toEqual({ source: 'cli --max-stack', field: '--max-stack' });
  });
});
