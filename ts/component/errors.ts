import { WrtError, type ErrorLocation } from '../core/errors.js';

export type ComponentErrorCode = 'COMPONENT_MALFORMED' | 'COMPONENT_INVALID' | 'COMPONENT_UNSUPPORTED';

/** The one error the component validator throws: the code, the byte offset and the section. */
export class ComponentError extends WrtError {
  readonly offset: number;
  readonly section: string;

  constructor(code: ComponentErrorCode, message: string, location: ErrorLocation & { readonly offset: number }, section: string) {
    super(code, message, location);
    this.offset = location.offset;
    this.section = section;
  }
}
