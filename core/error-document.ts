import { specErrorDetails } from "./api/error-details.ts";
import { type Code, isCode } from "./codes/codes.ts";

/** The spec's error format `{code, message, details}`: what `--format json` prints and what the daemon's statuses carry. */
export interface ErrorDocument {
  code: Code;
  message: string;
  details: Record<string, unknown>;
}

/**
 * Any error as the spec's error document: a coded error keeps its code and details; an error of
 * the operating system (ENOENT, EACCES, ENOSPC…) is an IO_ERROR naming its system code and path;
 * anything else is a bug, INTERNAL_ERROR.
 */
export function toErrorDocument(error: unknown): ErrorDocument {
  const message = error instanceof Error ? error.message : String(error);
  const { code, details, syscall, path } = (error ?? {}) as {
    code?: unknown;
    details?: unknown;
    syscall?: unknown;
    path?: unknown;
  };
  if (isCode(code)) {
    const own = typeof details === "object" && details !== null ? (details as Record<string, unknown>) : {};
    return { code, message, details: specErrorDetails(own) };
  }
  if (typeof code === "string" && (typeof syscall === "string" || /^E[A-Z0-9]+$/.test(code))) {
    return {
      code: "IO_ERROR",
      message,
      details: { errno: code, ...(typeof path === "string" ? { path } : {}) },
    };
  }
  return { code: "INTERNAL_ERROR", message, details: {} };
}
