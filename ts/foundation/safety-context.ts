import { WrtError } from '../core/errors.js';
import { type AsilLevel, atLeast, compareAsil, formatAsil, maxAsil } from './asil.js';

/**
 * The safety level a runtime build runs at. The compiled level is what the runtime binary was
 * built and qualified for; a deployment may ask for a stricter level at run time (more checks),
 * never for a weaker one: the evidence for the compiled level assumes its checks are on.
 * Instances are immutable; `raise` returns a new context.
 */
export class SafetyContext {
  readonly compiledLevel: AsilLevel;
  readonly runtimeLevel: AsilLevel | undefined;

  /**
   * @param source where the runtime level came from ("env WRT_ASIL_LEVEL"), named in the error.
   * @throws WrtError SAFETY_LEVEL_LOWERED when `runtimeLevel` is below `compiledLevel`.
   */
  constructor(compiledLevel: AsilLevel, runtimeLevel?: AsilLevel, source?: string) {
    if (runtimeLevel !== undefined && compareAsil(runtimeLevel, compiledLevel) < 0) {
      throw loweredError(runtimeLevel, `compiled level ${compiledLevel}`, source);
    }
    this.compiledLevel = compiledLevel;
    this.runtimeLevel = runtimeLevel;
  }

  /** max(compiled, runtime). */
  get effectiveLevel(): AsilLevel {
    return this.runtimeLevel === undefined ? this.compiledLevel : maxAsil(this.compiledLevel, this.runtimeLevel);
  }

  /**
   * A context running at `level`. Raising is monotone: a level below the current effective level
   * is refused even when it is above the compiled one, so a later stage cannot undo a raise.
   */
  raise(level: AsilLevel, source?: string): SafetyContext {
    if (compareAsil(level, this.effectiveLevel) < 0) {
      const limit =
        this.runtimeLevel !== undefined && compareAsil(this.runtimeLevel, this.compiledLevel) > 0
          ? `effective level ${this.effectiveLevel} (compiled level ${this.compiledLevel}, raised at run time)`
          : `compiled level ${this.compiledLevel}`;
      throw loweredError(level, limit, source);
    }
    return new SafetyContext(this.compiledLevel, level, source);
  }

  /** True when the effective level is `minimum` or stricter. */
  atLeast(minimum: AsilLevel): boolean {
    return atLeast(this.effectiveLevel, minimum);
  }

  describe(): string {
    const runtime = this.runtimeLevel === undefined ? 'not set' : formatAsil(this.runtimeLevel);
    return `${formatAsil(this.effectiveLevel)} (compiled ${formatAsil(this.compiledLevel)}, runtime ${runtime})`;
  }
}

function loweredError(requested: AsilLevel, limit: string, source: string | undefined): WrtError {
  return new WrtError(
    'SAFETY_LEVEL_LOWERED',
    `runtime safety level ${formatAsil(requested)} is below the level this runtime must keep; a runtime level may only raise it`,
    source === undefined ? { field: 'runtime ASIL', limit } : { field: 'runtime ASIL', limit, source },
  );
}
