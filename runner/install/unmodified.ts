/**
 * The check before an installed plugin's executable is started (`run`, `health --launch`): its
 * bytes still have the sha256 recorded when this runner installed it.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { relative } from "node:path";
import { RunnerError } from "../errors.ts";
import type { InstalledPlugin } from "./state.types.ts";

/**
 * PLUGIN_MODIFIED unless `binary` (inside `plugin.path`) has the digest recorded for it at install.
 * A folder with no record of that file (installed by the FinFocus CLI's own installer) passes.
 */
export async function assertUnmodified(
  plugin: Pick<InstalledPlugin, "name" | "path" | "files">,
  binary: string,
): Promise<void> {
  const recorded = plugin.files?.[relative(plugin.path, binary)];
  if (recorded === undefined) return;
  const digest = createHash("sha256")
    .update(await readFile(binary))
    .digest("hex");
  if (recorded !== digest) {
    throw new RunnerError(
      "PLUGIN_MODIFIED",
      `${binary} changed since it was installed; reinstall ${plugin.name}`,
      {
        name: plugin.name,
        file: binary,
      },
    );
  }
}
