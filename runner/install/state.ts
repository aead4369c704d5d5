import { mkdir, readFile } from "node:fs/promises";
import { RunnerError } from "../errors.ts";
import { writeFileAtomic } from "./atomic-file.ts";
import type { Layout } from "./layout.ts";
import { withLock } from "./lock.ts";
import type { InstallState } from "./state.types.ts";

const EMPTY: InstallState = { format: 1, plugins: {} };

/** Reads the state file; a missing file is an empty state. */
export async function readState(layout: Layout): Promise<InstallState> {
  let text: string;
  try {
    text = await readFile(layout.stateFile, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return structuredClone(EMPTY);
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as InstallState;
    if (parsed.format !== 1 || typeof parsed.plugins !== "object" || parsed.plugins === null) {
      throw new Error("unknown format");
    }
    const plugins = Object.assign(Object.create(null), parsed.plugins) as InstallState["plugins"];
    return { format: 1, plugins };
  } catch (error) {
    throw new RunnerError(
      "INSTALL_FAILED",
      `The install state ${layout.stateFile} is unreadable; restore it or remove it to start over`,
      { file: layout.stateFile },
      { cause: error },
    );
  }
}

/**
 * Read-modify-write of the state under the state lock, written atomically: the one commit point
 * of every install, update and remove.
 */
export async function updateState(
  layout: Layout,
  change: (state: InstallState) => void,
  lockTimeoutMs?: number,
): Promise<InstallState> {
  await mkdir(layout.home, { recursive: true, mode: 0o755 });
  return withLock(layout, ".state", lockTimeoutMs, async () => {
    const state = await readState(layout);
    change(state);
    const sorted = Object.fromEntries(Object.entries(state.plugins).sort(([a], [b]) => a.localeCompare(b)));
    await writeFileAtomic(layout.stateFile, `${JSON.stringify({ format: 1, plugins: sorted }, null, 2)}\n`);
    return state;
  });
}
