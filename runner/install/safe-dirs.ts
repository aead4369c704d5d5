import { lstat, mkdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { RunnerError } from "../errors.ts";
import type { Layout } from "./layout.ts";

/**
 * The folders the runner writes through under the plugin folder, made or checked one segment at
 * a time with lstat: a symbolic link (or a file) planted where a folder belongs is refused, never
 * followed, so nothing is ever written outside the plugin folder (SECURITY.md I11). The plugin
 * folder itself is the user's choice and may be a link.
 */
export async function realDir(root: string, segments: readonly string[], mode = 0o755): Promise<string> {
  await mkdir(root, { recursive: true, mode });
  let current = root;
  for (const segment of segments) {
    current = join(current, segment);
    let info = await lstat(current).catch(() => undefined);
    if (!info) {
      try {
        await mkdir(current, { mode });
        continue;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        info = await lstat(current);
      }
    }
    if (info.isSymbolicLink() || !info.isDirectory()) throw planted(current, info.isSymbolicLink());
  }
  return current;
}

/** Refuses when `path` exists as anything but a real folder (a link planted where the runner writes). */
export async function assertRealDirIfPresent(path: string): Promise<void> {
  const info = await lstat(path).catch(() => undefined);
  if (info && (info.isSymbolicLink() || !info.isDirectory())) throw planted(path, info.isSymbolicLink());
}

/**
 * Before anything is read from or written to the plugin folder: the runner's own folders and the
 * given plugins' folders are real folders (or absent), so no planted link is trusted or followed.
 */
export async function preflight(layout: Layout, names: readonly string[] = []): Promise<void> {
  for (const path of [
    layout.home,
    layout.locks,
    layout.staging,
    layout.journal,
    layout.backups,
    layout.configs,
    join(layout.home, "run"),
    ...names.map((n) => join(layout.pluginDir, n)),
  ]) {
    await assertRealDirIfPresent(path);
  }
}

/** The runner's own folder `<plugin-dir>/.finfocus-registry[/<sub>]`, real all the way. */
export async function homeDir(
  layout: Layout,
  sub?: "locks" | "staging" | "journal" | "backups" | "config" | "run",
): Promise<string> {
  const home = await realDir(layout.pluginDir, [".finfocus-registry"]);
  if (!sub) return home;
  const private_ = sub === "staging" || sub === "backups" || sub === "config" || sub === "run";
  return realDir(home, [sub], private_ ? 0o700 : 0o755);
}

/** `<plugin-dir>/<name>`, real (the folder every version of a plugin is renamed into). */
export function pluginFolder(layout: Layout, name: string): Promise<string> {
  return realDir(layout.pluginDir, [name]);
}

/**
 * True when `path` is `<plugin-dir>/<segment>[/<segment>…]` with exactly `depth` segments and no
 * `..`: what every path read back from the journal or the state file must be before the runner
 * renames or deletes it (a planted journal cannot point it at another folder).
 */
export function isInside(pluginDir: string, path: string, depth: number): boolean {
  const rel = relative(pluginDir, path);
  if (rel === "" || rel.startsWith("..") || rel.includes(`..${sep}`)) return false;
  return rel.split(sep).length === depth && !rel.split(sep).includes("..");
}

function planted(path: string, link: boolean): RunnerError {
  return new RunnerError(
    "INSTALL_FAILED",
    `${path} is ${link ? "a symbolic link" : "not a folder"} where the runner keeps plugins: it never writes through one. Remove it and retry.`,
    { path, reason: link ? "symlink" : "not a folder" },
  );
}
