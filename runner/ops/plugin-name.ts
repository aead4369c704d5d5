import { RunnerError } from "../errors.ts";
import { assertPluginName } from "../install/layout.ts";

/** USAGE unless `name` is a plugin name (never a path): what every operation on a named plugin checks first. */
export function assertName(name: string): void {
  try {
    assertPluginName(name);
  } catch {
    throw new RunnerError("USAGE", `${JSON.stringify(name)} is not a plugin name`, { name });
  }
}
