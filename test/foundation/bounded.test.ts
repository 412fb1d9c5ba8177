import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../ts/foundation/bounded-map.js';
import { BoundedString, utf8Length } from '../../ts/foundation/bounded-string.js';
import { BoundedVec } from '../../ts/foundation/bounded-vec.js';
import { thrown } from '../support/wrt-error.js';

describe('BoundedVec', () => {
  it('holds up to its capacity and refuses the next push with CAPACITY_EXCEEDED, contents unchanged', () => {
    const vec = new BoundedVec<number>(3, 'imports');
    vec.push(10);
    vec.push(20);
    vec.push(30);
    expect(vec.isFull()).toBe(true);
    const error = thrown(() => vec.push(40));
    expect(error.code).toBe('CAPACITY_EXCEEDED');
    expect(error.location).toEqual({ field: 'imports', limit: 'capacity 3' });
    expect(error.exitCode).toBe(1);
    expect(error.describe()).toBe('imports: imports is full: cannot add element 4 (limit: capacity 3)');
    expect(vec.toArray()).toEqual([10, 20, 30]);
    expect(vec.length).toBe(3);
  });

  it('tryPush reports a full vec with false and keeps the contents', () => {
    const vec = new BoundedVec<string>(1, 'tables');
    expect(vec.tryPush('a')).toBe(true);
    expect(vec.tryPush('b')).toBe(false);
    expect([...vec]).toEqual(['a']);
  });

  it('supports pop, get, set, clear, remaining and iteration', () => {
    const vec = BoundedVec.from([1, 2, 3], 5, 'globals');
    expect(vec.capacity).toBe(5);
    expect(vec.remaining()).toBe(2);
    expect(vec.get(1)).toBe(2);
    expect(vec.get(3)).toBeUndefined();
    expect(vec.get(-1)).toBeUndefined();
    vec.set(1, 22);
    expect(vec.toArray()).toEqual([1, 22, 3]);
    expect(vec.pop()).toBe(3);
    expect(vec.length).toBe(2);
    const seen: number[] = [];
    for (const v of vec) seen.push(v);
    expect(seen).toEqual([1, 22]);
    vec.clear();
    expect(vec.isEmpty()).toBe(true);
    expect(vec.pop()).toBeUndefined();
  });

  it('set past the end is a defect, not growth', () => {
    const vec = BoundedVec.from(['x'], 4, 'exports');
    const error = thrown(() => vec.set(1, 'y'));
    expect(error.code).toBe('INTERNAL');
    expect(error.location.limit).toBe('length 1');
    expect(vec.toArray()).toEqual(['x']);
  });

  it('extend is all or nothing', () => {
    const vec = BoundedVec.from([1], 3, 'types');
    const error = thrown(() => vec.extend([2, 3, 4]));
    expect(error.code).toBe('CAPACITY_EXCEEDED');
    expect(error.message).toBe('types is full: cannot add 3 elements to the 1 it holds');
    expect(vec.toArray()).toEqual([1]);
    vec.extend([2, 3]);
    expect(vec.toArray()).toEqual([1, 2, 3]);
  });

  it('a zero-capacity vec refuses everything; a bad capacity is VALUE_INVALID', () => {
    const empty = new BoundedVec<number>(0, 'resources');
    expect(empty.isFull()).toBe(true);
    expect(thrown(() => empty.push(1)).location.limit).toBe('capacity 0');
    expect(thrown(() => new BoundedVec<number>(-1, 'resources')).code).toBe('VALUE_INVALID');
    expect(thrown(() => new BoundedVec<number>(1.5, 'resources')).location.field).toBe('resources');
  });
});

describe('BoundedString', () => {
  it('measures UTF-8 bytes, not characters', () => {
    expect(utf8Length('abc')).toBe(3);
    expect(utf8Length('é')).toBe(2);
    expect(utf8Length('€')).toBe(3);
    const s = BoundedString.from('héllo', 6, 'export name');
    expect(s.byteLength).toBe(6);
    expect(s.value).toBe('héllo');
    expect(String(s)).toBe('héllo');
  });

  it('refuses text longer than its capacity in bytes', () => {
    const error = thrown(() => BoundedString.from('€€', 5, 'import name'));
    expect(error.code).toBe('CAPACITY_EXCEEDED');
    expect(error.location).toEqual({ field: 'import name', limit: 'capacity 5 bytes' });
    expect(error.message).toBe('import name is full: "€€" is 6 bytes in UTF-8');
    expect(BoundedString.tryFrom('€€', 5, 'import name')).toBeUndefined();
    expect(BoundedString.tryFrom('€€', 6, 'import name')?.byteLength).toBe(6);
  });
});

describe('BoundedMap', () => {
  it('allows replacing existing keys when full but refuses a new key, unchanged', () => {
    const map = new BoundedMap<string, number>(2, 'component instances');
    map.set('a', 1);
    map.set('b', 2);
    map.set('a', 10);
    expect(map.get('a')).toBe(10);
    const error = thrown(() => map.set('c', 3));
    expect(error.code).toBe('CAPACITY_EXCEEDED');
    expect(error.location).toEqual({ field: 'component instances', limit: 'capacity 2' });
    expect([...map]).toEqual([
      ['a', 10],
      ['b', 2],
    ]);
    expect(map.trySet('c', 3)).toBe(false);
    expect(map.delete('b')).toBe(true);
    expect(map.trySet('c', 3)).toBe(true);
    expect([...map.keys()]).toEqual(['a', 'c']);
    expect(map.size).toBe(2);
  });
});
