import { createRequire } from "node:module";
import type { Command, Format, OptionsSpec, Values } from "./command.types.ts";
import { UsageError } from "./errors.ts";

// node:util's parseArgs through `require`: the bundle turns an `import` of a built-in into a copy of
// every property of the module, and reading node:util's loads what its lazy getters hide (streams,
// worker threads, diffing: 8 ms at every start of the CLI).
const { parseArgs } = createRequire(import.meta.url)("node:util") as typeof import("node:util");

/** The options every command takes; `--help` prints them under their own heading. */
export const COMMON_OPTIONS = {
  format: {
    type: "string",
    default: "text",
    value: "text|json",
    help: "output for people or for scripts (json; errors as {code, message, details})",
    group: "Output",
  },
  help: { type: "boolean", short: "h", help: "show this help", group: "Output" },
} as const satisfies OptionsSpec;

/** The parsed command line of one command. */
export interface ParsedArgs {
  values: Values<OptionsSpec>;
  positionals: string[];
  format: Format;
}

/** True when the arguments ask for help: `--help` or `-h` anywhere answers before anything else. */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === "--help" || a === "-h");
}

/**
 * `--format` as far as it can be read without parsing: errors in parsing itself are reported in
 * the format asked for.
 */
export function formatFromArgs(args: readonly string[]): Format {
  const at = args.indexOf("--format");
  return args.includes("--format=json") || (at >= 0 && args[at + 1] === "json") ? "json" : "text";
}

/**
 * Parses a command's arguments with `util.parseArgs` (strict: an unknown option, a missing value
 * or an unexpected argument is a UsageError naming it) and checks `--format`.
 */
export function parseCommandArgs(command: Command, args: string[]): ParsedArgs {
  const options: OptionsSpec = { ...command.options, ...COMMON_OPTIONS };
  // parseArgs takes only its own keys; `value`, `help` and `group` are for --help.
  const config = Object.fromEntries(
    Object.entries(options).map(([name, o]) => [
      name,
      {
        type: o.type,
        ...(o.short ? { short: o.short } : {}),
        ...(o.multiple ? { multiple: true } : {}),
        ...(o.default !== undefined ? { default: o.default } : {}),
      },
    ]),
  );
  // A process's arguments cannot hold a NUL byte; one passed to main() by a library caller would
  // reach a file system call as an invalid argument rather than a path that is not there.
  const nul = args.find((a) => a.includes("\0"));
  if (nul !== undefined)
    throw new UsageError(`an argument holds a NUL byte: ${JSON.stringify(nul.slice(0, 100))}`);
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: config, allowPositionals: command.args !== undefined, strict: true });
  } catch (error) {
    throw new UsageError(describeParseError(error, args, options));
  }
  const { format, help: _help, ...values } = parsed.values;
  if (format !== "text" && format !== "json") throw new UsageError("--format must be text or json");
  return { values: values as Values<OptionsSpec>, positionals: parsed.positionals, format };
}

/** One short sentence for a parseArgs error, naming the option or argument at fault. */
function describeParseError(error: unknown, args: string[], options: OptionsSpec): string {
  const code = (error as { code?: string }).code;
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const { tokens } = parseArgs({ args, strict: false, allowPositionals: true, tokens: true });
    const unknown = tokens.find(
      (t) =>
        t.kind === "option" &&
        !(t.name in options) &&
        !Object.values(options).some((o) => o.short === t.name),
    );
    if (unknown?.kind === "option") return `unknown option '${unknown.rawName}'`;
  }
  const message = error instanceof Error ? error.message : String(error);
  // `--count -1`: parseArgs will not take a value that looks like an option; say how to write it.
  const ambiguous = /^Option '(?:-\w, )?(--[\w-]+)' argument is ambiguous/.exec(message);
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && ambiguous) {
    const option = ambiguous[1] as string;
    const value = args[args.indexOf(option) + 1];
    return value === undefined
      ? `${option} needs a value`
      : `${option} ${value}: a value that starts with '-' is written ${option}=${value}`;
  }
  const first = message.split(/\.(\s|$)/)[0] ?? message;
  return first.charAt(0).toLowerCase() + first.slice(1);
}
