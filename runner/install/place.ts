import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, rmdir, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { isPluginName } from "../../core/registry/layout.ts";
import { isRunnerError, RunnerError } from "../errors.ts";
import { fsyncDir, writeFileAtomic } from "./atomic-file.ts";
import { type Layout, versionDir } from "./layout.ts";
import { withLock } from "./lock.ts";
import { assertRealDirIfPresent, homeDir, isInside, pluginFolder, preflight } from "./safe-dirs.ts";
import { readState, updateState } from "./state.ts";
import type { InstalledPlugin } from "./state.types.ts";

/** The steps of placing a version, in order; hooks let tests kill the process at each one (I7). */
export type InstallStep =
  | "staged"
  | "checked"
  | "journaled"
  | "backed-up"
  | "renamed"
  | "committed"
  | "cleaned";

export interface StepHooks {
  onStep?: (step: InstallStep, name: string) => void | Promise<void>;
}

interface Journal {
  op: "install" | "remove";
  id: string;
  name: string;
  new_path?: string;
  existed_before?: boolean;
  old_path?: string;
  old_install_id?: string;
  /** Where a folder in the way is parked until the commit. */
  backup: string;
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

function journalPath(layout: Layout, name: string): string {
  return join(layout.journal, `${name}.json`);
}

async function writeJournal(layout: Layout, journal: Journal): Promise<void> {
  await homeDir(layout, "journal");
  await writeFileAtomic(journalPath(layout, journal.name), JSON.stringify(journal));
}

/**
 * Finishes or rolls back whatever a crashed run left for `name` (I7): the journal says what was
 * under way and the state file says whether it committed. Staging leftovers are removed. Call it
 * holding the plugin's lock.
 */
export async function reconcile(layout: Layout, name: string): Promise<void> {
  let journal: Journal | undefined;
  try {
    journal = JSON.parse(await readFile(journalPath(layout, name), "utf8")) as Journal;
  } catch {
    journal = undefined;
  }
  await assertRealDirIfPresent(join(layout.pluginDir, name));
  await assertRealDirIfPresent(layout.backups);
  await assertRealDirIfPresent(layout.staging);
  if (journal) {
    assertJournal(layout, name, journal);
    const current = (await readState(layout)).plugins[name];
    if (journal.op === "install") {
      const committed = current?.install_id === journal.id;
      if (committed) {
        if (journal.old_path && journal.old_path !== journal.new_path) await rm(journal.old_path, rmOpts);
      } else if (journal.new_path) {
        const backedUp = await exists(journal.backup);
        if (!journal.existed_before || backedUp) await rm(journal.new_path, rmOpts);
        if (backedUp) await rename(journal.backup, journal.new_path);
      }
    } else {
      const committed = current?.install_id !== journal.old_install_id;
      if (!committed && journal.old_path && (await exists(journal.backup))) {
        await rename(journal.backup, journal.old_path);
      }
    }
    await rm(journal.backup, rmOpts);
    await rm(journalPath(layout, name), { force: true });
  }
  const leftovers = await readdir(layout.staging).catch(() => [] as string[]);
  for (const entry of leftovers)
    if (entry.startsWith(`${name}@`)) await rm(join(layout.staging, entry), rmOpts);
  await rmdir(join(layout.pluginDir, name)).catch(() => undefined);
}

const rmOpts = { recursive: true, force: true } as const;

/**
 * A journal names only paths this runner would have written for `name`: its version folders and
 * its own backup. Anything else is a planted or corrupted journal, and nothing it names is touched.
 */
function assertJournal(layout: Layout, name: string, journal: Journal): void {
  const versionFolder = (p: string | undefined) =>
    p === undefined ||
    (isInside(layout.pluginDir, p, 2) &&
      dirname(p) === join(layout.pluginDir, name) &&
      /^v[0-9A-Za-z.+-]+$/.test(basename(p)));
  const ok =
    journal.name === name &&
    versionFolder(journal.new_path) &&
    versionFolder(journal.old_path) &&
    typeof journal.backup === "string" &&
    dirname(journal.backup) === layout.backups &&
    basename(journal.backup).startsWith(`${name}@`);
  if (!ok) {
    throw new RunnerError(
      "INSTALL_FAILED",
      `The journal ${journalPath(layout, name)} names paths this runner never writes: it is not followed. Remove it and retry.`,
      { file: journalPath(layout, name), reason: "journal" },
    );
  }
}

/** An installed plugin's folder, as the state file records it, must be its version folder under the plugin folder. */
function assertInstalledPath(layout: Layout, installed: InstalledPlugin): void {
  if (installed.path !== versionDir(layout, installed.name, installed.version)) {
    throw new RunnerError(
      "INSTALL_FAILED",
      `The state file says ${installed.name} is at ${installed.path}, which is not its folder under ${layout.pluginDir}: it is not followed.`,
      { file: layout.stateFile, reason: "state" },
    );
  }
}

/**
 * Recovers every plugin a crashed run left mid-way (journals, staging folders), each under its
 * lock. Every mutating operation calls it first, so leftovers never outlive the next run.
 */
export async function recoverAll(layout: Layout): Promise<void> {
  await preflight(layout);
  const names = new Set<string>();
  for (const f of await readdir(layout.journal).catch(() => [] as string[])) {
    if (f.endsWith(".json")) names.add(f.slice(0, -5));
  }
  for (const f of await readdir(layout.staging).catch(() => [] as string[])) names.add(f.split("@")[0] ?? f);
  for (const name of names) {
    if (!isPluginName(name)) continue;
    // A live process holding the lock is mid-way through that plugin: not a leftover, skip it.
    await withLock(layout, name, 0, () => reconcile(layout, name)).catch((error: unknown) => {
      if (!isRunnerError(error, "INSTALL_LOCKED")) throw error;
    });
  }
}

export interface PlaceRequest {
  layout: Layout;
  name: string;
  version: string;
  /** Writes the plugin's files into the (empty, private) staging folder. */
  populate: (stagingDir: string) => Promise<void>;
  /**
   * Judges the populated folder before anything is journaled (configuration, health): a throw
   * removes the staging folder and leaves the installed version exactly as it was.
   */
  check?: (stagingDir: string) => Promise<void>;
  record: Omit<InstalledPlugin, "install_id" | "path" | "installed_at" | "name" | "version">;
  now: () => Date;
  hooks?: StepHooks;
  lockTimeoutMs?: number;
}

/**
 * Installs one version atomically: stage, journal, park what is in the way, rename into
 * `<pluginDir>/<name>/v<version>`, commit the state file, then remove the old version. A crash
 * at any point leaves the old version or the new one, and `reconcile` cleans up (I7). Call it
 * holding the plugin's lock.
 */
export async function placeVersion(request: PlaceRequest): Promise<InstalledPlugin> {
  const { layout, name, version, hooks } = request;
  await reconcile(layout, name);
  const id = `${Date.now().toString(36)}-${randomBytes(6).toString("hex")}`;
  const stage = join(await homeDir(layout, "staging"), `${name}@${id}`);
  await mkdir(stage, { mode: 0o700 });
  try {
    await request.populate(stage);
    await hooks?.onStep?.("staged", name);
    if (request.check) {
      await request.check(stage);
      await hooks?.onStep?.("checked", name);
    }
  } catch (error) {
    await rm(stage, rmOpts);
    throw error;
  }
  const target = versionDir(layout, name, version);
  const previous = (await readState(layout)).plugins[name];
  if (previous) assertInstalledPath(layout, previous);
  const journal: Journal = {
    op: "install",
    id,
    name,
    new_path: target,
    existed_before: await exists(target),
    backup: join(layout.backups, `${name}@${id}`),
    ...(previous ? { old_path: previous.path, old_install_id: previous.install_id } : {}),
  };
  await writeJournal(layout, journal);
  await hooks?.onStep?.("journaled", name);
  try {
    if (journal.existed_before) {
      await homeDir(layout, "backups");
      await rename(target, journal.backup);
      await hooks?.onStep?.("backed-up", name);
    }
    await pluginFolder(layout, name);
    await rename(stage, target);
    await fsyncDir(join(layout.pluginDir, name));
    await hooks?.onStep?.("renamed", name);
    const installed: InstalledPlugin = {
      name,
      version,
      path: target,
      install_id: id,
      installed_at: request.now().toISOString(),
      ...request.record,
    };
    await updateState(
      layout,
      (state) => {
        state.plugins[name] = installed;
      },
      request.lockTimeoutMs,
    );
    await hooks?.onStep?.("committed", name);
    await reconcile(layout, name);
    await hooks?.onStep?.("cleaned", name);
    return installed;
  } catch (error) {
    await reconcile(layout, name);
    throw error;
  }
}

/** Removes an installed plugin with the same journal discipline. Call it holding the plugin's lock. */
export async function removeVersion(
  layout: Layout,
  installed: InstalledPlugin,
  hooks?: StepHooks,
  lockTimeoutMs?: number,
): Promise<void> {
  assertInstalledPath(layout, installed);
  await reconcile(layout, installed.name);
  const id = `${Date.now().toString(36)}-${randomBytes(6).toString("hex")}`;
  const journal: Journal = {
    op: "remove",
    id,
    name: installed.name,
    old_path: installed.path,
    old_install_id: installed.install_id,
    backup: join(layout.backups, `${installed.name}@${id}`),
  };
  await writeJournal(layout, journal);
  await homeDir(layout, "backups");
  if (await exists(installed.path)) await rename(installed.path, journal.backup);
  await hooks?.onStep?.("backed-up", installed.name);
  await updateState(
    layout,
    (state) => {
      delete state.plugins[installed.name];
    },
    lockTimeoutMs,
  );
  await hooks?.onStep?.("committed", installed.name);
  await reconcile(layout, installed.name);
}
