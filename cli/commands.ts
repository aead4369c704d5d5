import type { Command } from "./command.types.ts";
import { approveCommand } from "./commands/approve.ts";
import { buildCommand } from "./commands/build.ts";
import { configCommand } from "./commands/config.ts";
import { daemonCommand } from "./commands/daemon.ts";
import { doctorCommand } from "./commands/doctor.ts";
import { gateCommand } from "./commands/gate.ts";
import { healthCommand } from "./commands/health.ts";
import { installCommand } from "./commands/install.ts";
import { launcherCommand } from "./commands/launcher.ts";
import { listCommand } from "./commands/list.ts";
import { removeCommand } from "./commands/remove.ts";
import { runCommand } from "./commands/run.ts";
import { infoCommand, searchCommand } from "./commands/search.ts";
import { serveCommand } from "./commands/serve.ts";
import { tufCommand } from "./commands/tuf.ts";
import { updateCommand } from "./commands/update.ts";
import { validateCommand } from "./commands/validate.ts";
import { verifyCommand } from "./commands/verify.ts";

/** Every subcommand, in the order `--help` lists them. One line each: add yours here. */
export const commands: Command[] = [
  validateCommand,
  gateCommand,
  verifyCommand,
  buildCommand,
  serveCommand,
  tufCommand,
  searchCommand,
  infoCommand,
  installCommand,
  updateCommand,
  removeCommand,
  listCommand,
  configCommand,
  healthCommand,
  runCommand,
  launcherCommand,
  doctorCommand,
  daemonCommand,
  approveCommand,
];
