import type { Command } from "./command.types.ts";
import { validateCommand } from "./validate.ts";
import { verifyCommand } from "./verify.ts";

/** Every subcommand, in the order `--help` lists them. One line each: add yours here. */
export const commands: Command[] = [validateCommand, verifyCommand];
