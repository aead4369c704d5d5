/**
 * Child process for the crash tests (I7): installs NAME@CONSTRAINT and SIGKILLs itself when the
 * install reaches STEP. argv: registryUrl pluginDir cacheDir name constraint step [force|update]
 * (`update`: `update NAME` to the version CONSTRAINT, the health-checked update path).
 */
import type { InstallStep } from "../../../runner/install/place.ts";
import { install } from "../../../runner/ops/install.ts";
import { remove } from "../../../runner/ops/remove.ts";
import { update } from "../../../runner/ops/update.ts";
import { testContext } from "./context.ts";

const [registryUrl = "", pluginDir = "", cacheDir = "", name = "", constraint = "", step = "", force = ""] =
  process.argv.slice(2);
const context = await testContext(registryUrl, {
  pluginDir,
  cacheDir,
  yes: true,
  hooks: {
    onStep: (reached: InstallStep, plugin: string) => {
      if (reached === step && plugin === name) process.kill(process.pid, "SIGKILL");
    },
  },
});
if (constraint === "remove") await remove(context, { name });
else if (force === "update") await update(context, { names: [name], targetVersion: constraint });
else await install(context, { plugins: [{ name, constraint }], force: force === "force", upgrade: [name] });
process.stdout.write("done\n");
