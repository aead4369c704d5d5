import { terminalOutput } from "../core/text/terminal.ts";
import packageJson from "../package.json" with { type: "json" };
import type { CliIO } from "./command.types.ts";
import { commands } from "./commands.ts";
import { UsageError } from "./errors.ts";
import { commandHelp, mainHelp } from "./help.ts";
import { output } from "./output.ts";
import { formatFromArgs, parseCommandArgs, wantsHelp } from "./parse-args.ts";
import type { Invocation } from "./report-error.ts";

/** Finds the command and runs it; errors propagate to main's one catch. */
async function dispatch(argv: string[], io: CliIO, invocation: Invocation): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stdout(mainHelp(commands));
    return 2;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    const topic = name === "help" ? commands.find((c) => c.name === rest[0]) : undefined;
    if (name === "help" && rest[0] !== undefined && !topic)
      throw new UsageError(`unknown command '${rest[0]}'`);
    io.stdout(topic ? commandHelp(topic) : mainHelp(commands));
    return 0;
  }
  if (name === "--version" || name === "-v") {
    output(io, invocation.format, { version: packageJson.version }, () => `${packageJson.version}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command '${name}'`);
  invocation.command = command.name;
  if (wantsHelp(rest)) {
    io.stdout(commandHelp(command));
    return 0;
  }
  const parsed = parseCommandArgs(command, rest);
  invocation.format = parsed.format;
  return await command.run({ ...parsed, io });
}

/**
 * Runs one CLI invocation and returns its exit status: 0 ok, 1 refused or a check failed, 2
 * usage, network or I/O error. The single top-level catch lives here, and the one guard on
 * output: whatever a command writes (text quoting a manifest or a server's answer, JSON) passes
 * `terminalOutput`, so no escape sequence but our own tagged ones reaches the terminal.
 */
export async function main(argv: string[], io?: Partial<CliIO>): Promise<number> {
  const raw: CliIO = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY),
    ...io,
  };
  const cli: CliIO = {
    ...raw,
    stdout: (t) => raw.stdout(terminalOutput(t)),
    stderr: (t) => raw.stderr(terminalOutput(t)),
  };
  const invocation: Invocation = { format: formatFromArgs(argv) };
  try {
    return await dispatch(argv, cli, invocation);
  } catch (error) {
    // Loaded only on the way out: a successful run never pays for the error codes' catalogue.
    const { reportError } = await import("./report-error.ts");
    return reportError(error, invocation, cli);
  }
}
