import { terminalOutput } from "../../core/text/terminal.ts";
import type { CliIO } from "./command.types.ts";
import { commands } from "./commands.ts";

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 8);
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    "finfocus-registry: validate, build, verify and install FinFocus plugins",
    "",
    "Usage: finfocus-registry <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Run `finfocus-registry <command> --help` for a command's options.",
    "",
  ].join("\n");
}

/**
 * Runs one CLI invocation and returns its exit code. The single top-level catch lives here, and
 * the one guard on output: whatever a command writes (text quoting a manifest or a server's
 * answer, JSON) passes `terminalOutput`, so no escape sequence but our own reaches the terminal.
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
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    cli.stdout(help());
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    cli.stdout("0.1.0\n");
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    cli.stderr(
      `finfocus-registry: unknown command '${name}'. Run 'finfocus-registry --help' for the list.\n`,
    );
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    cli.stdout(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, cli);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    cli.stderr(`finfocus-registry ${name}: ${typeof code === "string" ? `${code}: ` : ""}${message}\n`);
    if (cli.env.FINFOCUS_DEBUG && error instanceof Error && error.stack) cli.stderr(`${error.stack}\n`);
    return 2;
  }
}
