import { describe, expect, it } from 'vitest';
import {
  bytesFromBigint,
  bytesFromValue,
  countFromValue,
  formatBytesExact,
  parseBytes,
  parseCount,
  parseDebugLevel,
  parsePlatform,
  platformOf,
} from '../../ts/limits/value-syntax.js';
import { thrown } from '../support/wrt-error.js';

const origin = { source: 'env WRT_MAX_MEMORY', field: 'WRT_MAX_MEMORY' };

describe('byte sizes', () => {
  it('reads plain numbers, binary and decimal units', () => {
    const cases: [string, number][] = [
      ['65536', 65536],
      ['0', 0],
      ['512B', 512],
      ['4k', 4096],
      ['4K', 4096],
      ['64KiB', 65536],
      ['64kib', 65536],
      ['64Ki', 65536],
      ['64M', 67108864],
      ['64MiB', 67108864],
      ['64 MiB', 67108864],
      [' 1GiB ', 1073741824],
      ['1G', 1073741824],
      ['2T', 2 ** 41],
      ['1.5GiB', 1610612736],
      ['1.5KiB', 1536],
      ['0.5k', 512],
      ['1kB', 1000],
      ['1KB', 1000],
      ['500MB', 500_000_000],
      ['2GB', 2_000_000_000],
      ['1TB', 1_000_000_000_000],
    ];
    for (const [text, bytes] of cases) expect(parseBytes(text, origin), text).toBe(bytes);
  });

  it('refuses malformed sizes with VALUE_INVALID naming the value and its source', () => {
    for (const bad of ['64X', 'abc', '', 'MiB', '1e6', '0x10', '64 M B', '1,5M', '+5', '64MiBs']) {
      const error = thrown(() => parseBytes(bad, origin));
      expect(error.code, bad).toBe('VALUE_INVALID');
      expect(error.location, bad).toEqual({ source: 'env WRT_MAX_MEMORY', field: 'WRT_MAX_MEMORY' });
      expect(error.message, bad).toContain(`"${bad}"`);
    }
  });

  it('refuses negatives, fractions of a byte and values past 2^53', () => {
    expect(thrown(() => parseBytes('-1', origin)).message).toBe('"-1" is negative; a size must be >= 0');
    expect(thrown(() => parseBytes('-64MiB', origin)).message).toContain('negative');
    expect(thrown(() => parseBytes('1.1B', origin)).message).toBe('"1.1B" is not a whole number of bytes');
    expect(thrown(() => parseBytes('0.3k', origin)).message).toContain('not a whole number of bytes');
    const big = thrown(() => parseBytes('8192T', origin));
    expect(big.message).toContain('too large');
    expect(big.location.limit).toBe('9007199254740991 bytes');
  });

  it('accepts config integers and strings, refuses other types', () => {
    const config = { source: 'config c.yaml: limits.maxMemory', field: 'limits.maxMemory', file: 'c.yaml', line: 3 };
    expect(bytesFromValue(4096, config)).toBe(4096);
    expect(bytesFromValue('4k', config)).toBe(4096);
    const fraction = thrown(() => bytesFromValue(1.5, config));
    expect(fraction.location).toEqual({ source: 'config c.yaml: limits.maxMemory', field: 'limits.maxMemory', file: 'c.yaml', line: 3 });
    expect(thrown(() => bytesFromValue(-3, config)).message).toContain('negative');
    expect(thrown(() => bytesFromValue(true, config)).message).toBe('expected a size, got boolean true');
    expect(thrown(() => bytesFromValue([1], config)).message).toBe('expected a size, got a list');
  });

  it('formats exact binary units and converts bigint safely', () => {
    expect(formatBytesExact(67108864)).toBe('64 MiB');
    expect(formatBytesExact(1536)).toBe('1536 B');
    expect(formatBytesExact(1610612736)).toBe('1536 MiB');
    expect(formatBytesExact(0)).toBe('0 B');
    expect(formatBytesExact(2 ** 40)).toBe('1 TiB');
    expect(bytesFromBigint(25276063744n, 'sysinfo totalram')).toBe(25276063744);
    const error = thrown(() => bytesFromBigint(2n ** 63n, 'cgroup memory.max'));
    expect(error.code).toBe('VALUE_INVALID');
    expect(error.location.source).toBe('cgroup memory.max');
  });
});

describe('counts and names', () => {
  it('reads counts as plain integers only', () => {
    const o = { source: 'cli --cpus', field: '--cpus' };
    expect(parseCount('8', o)).toBe(8);
    expect(parseCount(' 16 ', o)).toBe(16);
    expect(countFromValue(4, o)).toBe(4);
    expect(thrown(() => parseCount('8k', o)).message).toBe('"8k" is not a whole number');
    expect(thrown(() => parseCount('-3', o)).message).toBe('"-3" is negative; a count must be >= 0');
    expect(thrown(() => parseCount('1.5', o)).location).toEqual({ source: 'cli --cpus', field: '--cpus' });
    expect(thrown(() => countFromValue(2.5, o)).code).toBe('VALUE_INVALID');
  });

  it('reads debug levels and platforms by name', () => {
    const o = { source: 'env WRT_DEBUG_LEVEL', field: 'WRT_DEBUG_LEVEL' };
    expect(parseDebugLevel('FULL', o)).toBe('full');
    expect(parseDebugLevel(' basic', o)).toBe('basic');
    expect(thrown(() => parseDebugLevel('verbose', o)).message).toBe('"verbose" is not a debug level: expected none, basic, full');
    expect(parsePlatform('bare-metal', o)).toBe('embedded');
    expect(parsePlatform('QNX', o)).toBe('qnx');
    expect(platformOf('darwin')).toBe('macos');
    expect(platformOf('win32')).toBe('windows');
    expect(platformOf('nto')).toBe('qnx');
    expect(platformOf('freebsd')).toBeUndefined();
    expect(thrown(() => parsePlatform('freebsd', o)).code).toBe('VALUE_INVALID');
  });
});
