import { exitStatusOf } from "../core/codes/codes.ts";
import { toErrorDocument } from "../core/error-document.ts";
import { RegistryError } from "../core/errors.ts";
import type { Finding } from "../core/findings.types.ts";
import type { CliIO, Format } from "./command.types.ts";
import { colour, printable } from "./output.ts";

/** Who is reporting: the command, once known, and the output format asked for. */
export interface Invocation {
  command?: string;
  format: Format;
}

/**
 * The CLI's one catch: renders any error and returns its exit status. With `--format json`, the
 * spec's error document `{code, message, details}` on stdout; otherwise one line on stderr
 * (usage errors point to `--help`), then one line per finding the message only counts.
 * FINFOCUS_DEBUG=1 adds the stack.
 */
export function reportError(error: unknown, invocation: Invocation, io: CliIO): number {
  const doc = toErrorDocument(olderNode(error));
  const who = `finfocus-registry${invocation.command ? ` ${invocation.command}` : ""}`;
  if (invocation.format === "json") {
    io.stdout(`${JSON.stringify(doc, null, 2)}\n`);
  } else if (doc.code === "USAGE") {
    io.stderr(`${who}: ${printable(doc.message)}; see '${who} --help'\n`);
  } else {
    io.stderr(`${who}: ${colour(io, "31", doc.code)}: ${printable(doc.message)}\n`);
    // Findings the message only counts (a configuration's problems): one line each, at its key.
    const findings = doc.details.findings;
    if (Array.isArray(findings) && !findings.some((f) => doc.message.includes(String(f?.message)))) {
      for (const f of findings as Finding[]) {
        const where = f.line !== undefined ? `${f.file}:${f.line}:${f.column ?? 1}` : f.file;
        const at = f.pointer && !f.message.includes(f.pointer) ? ` ${f.pointer}` : "";
        io.stderr(`  ${printable(`${where}${at}`)}: ${printable(f.message)}\n`);
      }
    }
    const versions = doc.details.available_versions;
    if (Array.isArray(versions) && versions.length > 0) {
      io.stderr(`  available versions: ${printable(versions.join(", "))}\n`);
    }
  }
  if (io.env.FINFOCUS_DEBUG && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
  return exitStatusOf(doc.code);
}

/**
 * The bundle runs on Node 20, but a command that needs a module built into newer Node (the
 * daemon's and `health --watch`'s node:sqlite, Node 22.5 and newer) says so and what to do.
 */
function olderNode(error: unknown): unknown {
  if ((error as { code?: unknown } | undefined)?.code !== "ERR_UNKNOWN_BUILTIN_MODULE") return error;
  return new RegistryError(
    "NODE_TOO_OLD",
    `${(error as Error).message}: this command needs a newer Node than ${process.version} (Node 24 is the one tested); install it and run the command again`,
    { cause: error },
  );
}
