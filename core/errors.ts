/**
 * Exceptions are for bugs and the environment, never for bad input (that is a Finding).
 * Every error carries a stable code and, when it wraps another error, its cause.
 */
export class RegistryError<Code extends string = string> extends Error {
  readonly code: Code;
  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RegistryError";
    this.code = code;
  }
}

/** A bug in this project: the message asks the user to report it. */
export class InternalError extends RegistryError<"INTERNAL_ERROR"> {
  constructor(message: string, options?: { cause?: unknown }) {
    super(
      "INTERNAL_ERROR",
      `${message} (this is a bug in finfocus-registry: please report it with the command you ran)`,
      options,
    );
    this.name = "InternalError";
  }
}
