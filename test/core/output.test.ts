import { describe, expect, it } from 'vitest';
import { fitTable, renderLabelled, renderTable, wrapText } from '../../ts/core/output.js';

const ROWS = [
  ['MemTotal', '23.5 GiB (25276194816 B)', '/proc/meminfo MemTotal'],
  ['cgroup memory', 'unlimited', 'cgroup v1 memory.limit_in_bytes at /sys/fs/cgroup/memory/docker/0123456789abcdef'],
];

describe('fitTable', () => {
  it('leaves a table that fits as renderTable draws it', () => {
    const fitted = fitTable(['fact', 'value', 'source'], ROWS.slice(0, 1), { width: 80 });
    expect(fitted).toEqual({ text: renderTable(['fact', 'value', 'source'], ROWS.slice(0, 1)), cut: false });
  });

  it('cuts the columns it is given, in order, not below their floor, and says it cut', () => {
    const fitted = fitTable(['fact', 'value', 'source'], ROWS, { width: 50, shrink: [[2, 20], [1, 12]] });
    expect(fitted.cut).toBe(true);
    expect(fitted.text.split('\n')).toEqual([
      'fact           value          source',
      '-------------  -------------  --------------------',
      'MemTotal       23.5 GiB (25…  /proc/meminfo MemTo…',
      'cgroup memory  unlimited      cgroup v1 memory.li…',
    ]);
  });

  it('keeps the end of a path column', () => {
    const fitted = fitTable(null, [['build/native-sim/native-sim-proto-test', 'PIE']], { width: 20, shrink: [[0, 10]], keepEnd: [0] });
    expect(fitted.text).toBe('…sim-proto-test  PIE');
  });
});

describe('wrapText', () => {
  it('breaks long lines at spaces under a hanging indent and leaves short ones alone', () => {
    expect(wrapText('  short', 20)).toBe('  short');
    expect(wrapText('  one two three four five six', 16, 4)).toBe('  one two three\n      four five\n      six');
  });

  it('splits a word longer than a line', () => {
    expect(wrapText('x abcdefghijklmnop', 10, 0)).toBe('x\nabcdefghij\nklmnop');
  });
});

describe('renderLabelled', () => {
  it('wraps each text under its own column', () => {
    expect(renderLabelled([['memory', 'initial 2 pages, maximum 2 pages (exported)'], ['calls', 'a\nb']], 2, 30).split('\n')).toEqual([
      '  memory  initial 2 pages,',
      '            maximum 2 pages',
      '            (exported)',
      '  calls   a',
      '          b',
    ]);
  });
});
