import { parseComponentText as parse } from '../../tools/oracles/jco.js';
import { describe, expect, it } from 'vitest';
import { ComponentError } from '../../ts/component/errors.js';
import { componentRequirements, componentWit } from '../../ts/component/inspect.js';
import { isComponentBinary } from '../../ts/component/detect.js';
import { validateComponent } from '../../ts/component/validator.js';
import { mutate, runMutation } from '../../scripts/component/mutate.js';
import { mulberry32 } from '../../ts/core/prng.js';

function refusal(bytes: Uint8Array): ComponentError {
  try {
    validateComponent(bytes);
  } catch (error) {
    if (error instanceof ComponentError) return error;
    throw error;
  }
  throw new Error('the component validated');
}

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];

describe('component validator', () => {
  it('tells a component from a core module by the layer byte', async () => {
    expect(isComponentBinary(Uint8Array.from(HEADER))).toBe(true);
    expect(isComponentBinary(Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]))).toBe(false);
    expect(isComponentBinary(await parse('(component)'))).toBe(true);
  });

  it('refuses malformed bytes with COMPONENT_MALFORMED at the byte', () => {
    const truncated = refusal(Uint8Array.from([...HEADER, 0x07, 0x05, 0x01]));
    expect([truncated.code, truncated.offset, truncated.section]).toEqual(['COMPONENT_MALFORMED', 8, 'type section']);
    const badId = refusal(Uint8Array.from([...HEADER, 0x0d, 0x00]));
    expect([badId.code, badId.offset, badId.message]).toEqual(['COMPONENT_MALFORMED', 8, 'malformed section id: 13']);
    expect(refusal(Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x02, 0x00])).offset).toBe(4);
  });

  it('refuses invalid components with COMPONENT_INVALID naming the rule', async () => {
    const own = refusal(await parse('(component (type $t u32) (type (own $t)))'));
    expect([own.code, own.message]).toEqual(['COMPONENT_INVALID', 'type index 0 is not a resource type']);
    const names = refusal(await parse('(component (import "a" (func)) (import "A" (func)))'));
    expect(names.message).toBe('import name `A` conflicts with previous name `a`');
    const mismatch = refusal(
      await parse(`(component
        (component $c (import "f" (func (param "x" u32))))
        (import "g" (func $g (param "x" string)))
        (instance (instantiate $c (with "f" (func $g)))))`),
    );
    expect(mismatch.message).toBe('type mismatch for import `f`: type mismatch in function');
  });

  it('refuses gated features with COMPONENT_UNSUPPORTED at the byte that uses them', async () => {
    const stream = refusal(await parse('(component (type (stream u8)))'));
    expect([stream.code, stream.offset]).toEqual(['COMPONENT_UNSUPPORTED', 11]);
    expect(stream.message).toContain('streams and futures');
    expect(refusal(await parse('(component (type (func async)))')).code).toBe('COMPONENT_UNSUPPORTED');
  });

  it('counts core modules with the multiplicity of the components that instantiate them', async () => {
    const facts = validateComponent(
      await parse(`(component
        (component $inner
          (core module $m (memory 2) (table 3 funcref) (global i32 (i32.const 0)))
          (core instance (instantiate $m)))
        (instance (instantiate $inner))
        (instance (instantiate $inner))
        (instance (instantiate $inner)))`),
    );
    const req = componentRequirements(facts);
    expect(req.modules.map((m) => m.instantiations)).toEqual([3]);
    expect(req.coreInstances.map((c) => [c.multiplicity, c.memoryPages, c.tables, c.tableElements, c.globals])).toEqual([[3, 2, 1, 3, 1]]);
    expect(req.componentInstances).toBe(3);
  });

  it('bounds nesting without recursion: 100,000 nested instance types end in a typed refusal', () => {
    const depth = 100_000;
    const bytes = [...HEADER, 0x07];
    // A type section whose one type opens an instance type whose one declaration opens the next.
    const body: number[] = [0x01];
    for (let i = 0; i < depth; i += 1) body.push(0x42, 0x01, 0x01);
    const size: number[] = [];
    let n = body.length;
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n > 0) b |= 0x80;
      size.push(b);
    } while (n > 0);
    const error = refusal(Uint8Array.from([...bytes, ...size, ...body]));
    expect(error.code).toBe('COMPONENT_UNSUPPORTED');
    expect(error.message).toContain('nesting deeper than 1000 scopes');
  });

  it('bounds the work of adversarial types: reach lists and repeated instantiation end in typed refusals', async () => {
    let chain = '(component (type $r0 (resource (rep i32))) (type $c0 (record (field "a" (own $r0))))';
    for (let i = 1; i <= 1_000; i += 1) chain += `(type $r${i} (resource (rep i32))) (type $c${i} (record (field "a" $c${i - 1}) (field "b" (own $r${i}))))`;
    const reach = refusal(await parse(`${chain})`));
    expect([reach.code, reach.message]).toEqual(['COMPONENT_UNSUPPORTED', 'a type refers to more than 1000 resources or named types: more than this toolchain bounds its checks for']);
    let repeated = '(component (type $r (resource (rep i32))) (component $c (import "r" (type $x (sub resource)))';
    for (let i = 0; i < 600; i += 1) repeated += `(type $t${i} (record (field "b" (own $x)))) (export "t${i}" (type $t${i}))`;
    repeated += ')';
    for (let i = 0; i < 2_000; i += 1) repeated += '(instance (instantiate $c (with "r" (type $r))))';
    const steps = refusal(await parse(`${repeated})`));
    expect([steps.code, steps.message]).toEqual(['COMPONENT_UNSUPPORTED', 'type checks would take more than 1000000 steps: more than this toolchain bounds its checks for']);
  }, 30_000);

  it('prints the world as WIT', async () => {
    const facts = validateComponent(
      await parse(`(component
        (import "r" (type $r (sub resource)))
        (import "[constructor]r" (func (param "x" u32) (result (own $r))))
        (import "[method]r.get" (func (param "self" (borrow $r)) (result u32)))
        (import "log" (func (param "msg" string))))`),
    );
    expect(componentWit(facts)).toBe(
      ['package root:component;', '', 'world root {', '  resource r {', '    constructor(x: u32);', '    get: func() -> u32;', '  }', '  import log: func(msg: string);', '}'].join('\n'),
    );
  });

  it('survives 2,000 seeded mutants of valid components: every refusal typed, with an offset', async () => {
    const corpus = [
      await parse('(component (core module $m (func (export "f") (result i32) i32.const 1)) (core instance $i (instantiate $m)) (func (export "f") (result u32) (canon lift (core func $i "f"))))'),
      await parse('(component (type $r (resource (rep i32))) (export "r" (type $r)) (type (record (field "a" u32) (field "b" string))) (type (variant (case "x") (case "y" u8))))'),
      await parse('(component (import "i" (instance (export "t" (type (sub resource))))) (component $c (import "x" (func))) (import "f" (func $f)) (instance (instantiate $c (with "x" (func $f)))))'),
    ];
    const result = runMutation(corpus, 7, 2_000);
    expect(result.crashes).toEqual([]);
    expect(result.valid + Object.values(result.byCode).reduce((a, b) => a + b, 0)).toBe(2_000);
    expect(result.byCode.COMPONENT_MALFORMED).toBeGreaterThan(500);
    expect(mutate(corpus[0] as Uint8Array, mulberry32(1))).not.toEqual(corpus[0]);
  });
});
