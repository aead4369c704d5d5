import type { Command, OptionSpec } from "./command.types.ts";
import { COMMON_OPTIONS } from "./parse-args.ts";

const DEFAULT_EXIT = "0 done, 1 refused or a check failed, 2 usage, network or I/O error";

function optionLine(name: string, o: OptionSpec): [string, string] {
  const flag = `--${name}${o.type === "string" ? ` ${o.value ?? "VALUE"}` : ""}${o.short ? `, -${o.short}` : ""}`;
  const fallback = typeof o.default === "string" && name !== "format" ? ` (default ${o.default})` : "";
  return [flag, `${o.help}${fallback}`];
}

/**
 * A command's `--help`, generated from its declaration: synopsis, description, every option it
 * takes grouped under headings, and its exit statuses. Nothing is documented twice.
 */
export function commandHelp(command: Command): string {
  const groups = new Map<string, [string, string][]>();
  for (const [name, o] of Object.entries({ ...command.options, ...COMMON_OPTIONS })) {
    const group = o.group ?? "Options";
    groups.set(group, [...(groups.get(group) ?? []), optionLine(name, o)]);
  }
  const width = Math.max(24, ...[...groups.values()].flat().map(([flag]) => flag.length)) + 2;
  const sections = [...groups].map(
    ([group, lines]) =>
      `${group}:\n${lines.map(([flag, text]) => `  ${flag.padEnd(width)}${text}`).join("\n")}`,
  );
  const usage = `Usage: finfocus-registry ${command.name}${command.args ? ` ${command.args}` : ""} [options]`;
  const exit = `Exit status: ${command.exit ?? DEFAULT_EXIT}.`;
  return `${[usage, command.description.trim(), ...sections, exit].join("\n\n")}\n`;
}

/** `finfocus-registry --help`: every command with its summary. */
export function mainHelp(commands: readonly Command[]): string {
  const width = Math.max(8, ...commands.map((c) => c.name.length));
  return [
    "finfocus-registry: validate, build, verify and install FinFocus plugins",
    "",
    "Usage: finfocus-registry <command> [options]",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Every command takes --format text|json and --help. Run `finfocus-registry <command> --help`",
    "for a command's options; `finfocus-registry --version` prints the version.",
    "",
  ].join("\n");
}
