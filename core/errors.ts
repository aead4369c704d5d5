import type { Code } from "./codes/codes.ts";

/**
 * Exceptions are for bugs and the environment, never for bad input (that is a Finding).
 * Every error carries a stable code from the catalogue (core/codes/) and, when it wraps another
 * error, its cause.
 */
export class RegistryError<C extends Code = Code> extends Error {
  readonly code: C;
  /** Facts for the spec's error document (`details`), e.g. the file or plugin concerned. */
  readonly details: Record<string, unknown>;
  constructor(code: C, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "RegistryError";
    this.code = code;
    this.details = options?.details ?? {};
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
