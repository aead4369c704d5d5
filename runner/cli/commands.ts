import { buildCommand } from "./build.ts";
import type { Command } from "./command.types.ts";
import { serveCommand } from "./serve.ts";
import { validateCommand } from "./validate.ts";
import { verifyCommand } from "./verify.ts";

/** Every subcommand, in the order `--help` lists them. One line each: add yours here. */
export const commands: Command[] = [validateCommand, verifyCommand, buildCommand, serveCommand];
