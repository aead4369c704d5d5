import type { Command, CommandSpec, OptionsSpec } from "./command.types.ts";

/**
 * Declares a command: its options (typed in `run`), usage and what it does. Add the result to
 * the list in cli/commands.ts; parsing, `--help`, `--format` and errors are the framework's.
 */
export function defineCommand<const O extends OptionsSpec>(spec: CommandSpec<O>): Command {
  return spec as unknown as Command;
}
