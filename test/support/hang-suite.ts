/**
 * A suite whose middle test never ends (`spin` loops forever) between two that return at once:
 * the device executors' tests use it to show a timeout stops one test and the next still runs.
 */
export const HANG_SUITE = {
  'hang/suite.yaml': [
    'name: hang',
    'tests:',
    '  - name: add-before',
    '    module: m.wat',
    '    invoke: { export: add, args: [{ i32: 40 }, { i32: 2 }] }',
    '    expect: { returns: [{ i32: 42 }] }',
    '  - name: spin',
    '    module: m.wat',
    '    invoke: { export: spin }',
    '    expect: { returns: [] }',
    '    timeoutMs: 1500',
    '  - name: add-after',
    '    module: m.wat',
    '    invoke: { export: add, args: [{ i32: -5 }, { i32: 3 }] }',
    '    expect: { returns: [{ i32: -2 }] }',
    '',
  ].join('\n'),
  'hang/m.wat': '(module\n  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)\n  (func (export "spin") (loop br 0)))\n',
};
