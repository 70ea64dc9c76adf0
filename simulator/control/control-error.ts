/** A rejected control-API or seed input: names the field, says what is wrong; nothing was changed. */
export class ControlError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
    readonly status = 400,
  ) {
    super(`${field} ${problem}`);
  }

  toJSON(): Record<string, unknown> {
    return { error: 'invalid_input', field: this.field, message: this.message };
  }
}
