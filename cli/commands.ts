import { buildCommand } from "./build.ts";
import type { Command } from "./command.types.ts";
import { configCommand } from "./config.ts";
import { healthCommand } from "./health.ts";
import { installCommand } from "./install.ts";
import { listCommand } from "./list.ts";
import { removeCommand } from "./remove.ts";
import { infoCommand, searchCommand } from "./search.ts";
import { serveCommand } from "./serve.ts";
import { updateCommand } from "./update.ts";
import { validateCommand } from "./validate.ts";
import { verifyCommand } from "./verify.ts";

/** Every subcommand, in the order `--help` lists them. One line each: add yours here. */
export const commands: Command[] = [
  validateCommand,
  verifyCommand,
  buildCommand,
  serveCommand,
  searchCommand,
  infoCommand,
  installCommand,
  updateCommand,
  removeCommand,
  listCommand,
  configCommand,
  healthCommand,
];
