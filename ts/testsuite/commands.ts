/**
 * The command script wast2json (wabt) writes for one .wast file, typed. Values stay as the decimal
 * strings wast2json prints (bit patterns for floats, "nan:canonical" / "nan:arithmetic"), because
 * every consumer needs the exact bits, not a JavaScript number.
 */
export type ScalarType = 'i32' | 'i64' | 'f32' | 'f64' | 'externref' | 'funcref';

export interface ScalarValue {
  readonly type: ScalarType;
  /** Decimal bit pattern, "null" for a null reference, or "nan:canonical" / "nan:arithmetic". */
  readonly value: string;
}
export interface V128Value {
  readonly type: 'v128';
  readonly lane_type: 'i8' | 'i16' | 'i32' | 'i64' | 'f32' | 'f64';
  readonly value: readonly string[];
}
export type SpecValue = ScalarValue | V128Value;

export interface InvokeAction {
  readonly type: 'invoke';
  readonly module?: string;
  readonly field: string;
  readonly args: readonly SpecValue[];
}
export interface GetAction {
  readonly type: 'get';
  readonly module?: string;
  readonly field: string;
}
export type SpecAction = InvokeAction | GetAction;

interface Located {
  readonly line: number;
}
export interface ModuleCommand extends Located {
  readonly type: 'module';
  readonly filename: string;
  readonly name?: string;
}
export interface RegisterCommand extends Located {
  readonly type: 'register';
  readonly name?: string;
  readonly as: string;
}
export interface ActionCommand extends Located {
  readonly type: 'action';
  readonly action: SpecAction;
  readonly expected: readonly SpecValue[];
}
export interface AssertReturnCommand extends Located {
  readonly type: 'assert_return';
  readonly action: SpecAction;
  readonly expected: readonly SpecValue[];
}
export interface AssertTrapCommand extends Located {
  readonly type: 'assert_trap' | 'assert_exhaustion';
  readonly action: SpecAction;
  readonly text: string;
  readonly expected: readonly SpecValue[];
}
/** A module that must fail to decode, validate, link or instantiate. */
export interface AssertModuleCommand extends Located {
  readonly type: 'assert_malformed' | 'assert_invalid' | 'assert_unlinkable' | 'assert_uninstantiable';
  readonly filename: string;
  readonly text: string;
  /** "text" modules test the text parser: out of scope for a binary toolchain, counted apart. */
  readonly module_type: 'binary' | 'text';
}

export type SpecCommand =
  | ModuleCommand
  | RegisterCommand
  | ActionCommand
  | AssertReturnCommand
  | AssertTrapCommand
  | AssertModuleCommand;

export interface SpecScript {
  readonly source_filename: string;
  readonly commands: readonly SpecCommand[];
}
