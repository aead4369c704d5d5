import type { BigIntStats } from "node:fs";
import { open, readFile, stat } from "node:fs/promises";
import { deepFreeze } from "../../core/deep-freeze.ts";
import { RunnerError } from "../errors.ts";
import { writeFileAtomic } from "./atomic-file.ts";
import type { Layout } from "./layout.ts";
import { withLock } from "./lock.ts";
import { homeDir } from "./safe-dirs.ts";
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
  return parseState(layout, text);
}

function parseState(layout: Layout, text: string): InstallState {
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

/** A state shared between readers: frozen all the way down, never to be changed in place. */
export type StateSnapshot = DeepReadonly<InstallState>;
type DeepReadonly<T> = T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

/** The last snapshot of each state file, keyed by the identity of the file it was read from. */
const SNAPSHOTS_KEPT = 8;
const snapshots = new Map<string, { key: string; state: Promise<StateSnapshot> }>();

/**
 * The state for reading only (listing, searching, health), parsed again only when the file is
 * another one: every commit replaces it by a rename, so its inode, size and times change. The
 * identity and the bytes come from one open file, so a commit between the two cannot pair an old
 * identity with new bytes. 100 searches at 10,000 installs parse the state once, not 100 times.
 * Callers that change the state use `updateState`, which reads it afresh under the lock.
 */
export async function readStateSnapshot(layout: Layout): Promise<StateSnapshot> {
  const file = layout.stateFile;
  // The common case, nothing committed since the last read: one stat, no open.
  const seen = await statSinceNow(file);
  const memo = snapshots.get(file);
  if (seen && memo?.key === identity(seen)) return memo.state;
  const handle = await open(file, "r").catch(missing);
  if (!handle) {
    snapshots.delete(file);
    return deepFreeze(structuredClone(EMPTY));
  }
  try {
    const key = identity(await handle.stat({ bigint: true }));
    const state = handle.readFile("utf8").then((text) => deepFreeze(parseState(layout, text)));
    snapshots.delete(file);
    snapshots.set(file, { key, state });
    // A handful of plugin folders per process at most; the oldest goes first.
    for (const f of snapshots.keys()) if (snapshots.size > SNAPSHOTS_KEPT) snapshots.delete(f);
    return await state.catch((error: unknown) => {
      if (snapshots.get(file)?.state === state) snapshots.delete(file);
      throw error;
    });
  } finally {
    await handle.close();
  }
}

type Seen = BigIntStats | undefined;
const statting = new Map<string, { running: Promise<Seen>; next?: Promise<Seen> }>();

/**
 * The file's stat, made after this call began: a burst of readers (100 concurrent searches) shares
 * two stats instead of making 100, and none is answered by a stat older than its call, so a
 * commit that finished before a read began is always seen.
 */
function statSinceNow(file: string): Promise<Seen> {
  const current = statting.get(file);
  if (!current) return statNow(file);
  // The running stat may have begun before this call: share the one after it.
  current.next ??= current.running.then(
    () => statNow(file),
    () => statNow(file),
  );
  return current.next;
}

function statNow(file: string): Promise<Seen> {
  const entry: { running: Promise<Seen>; next?: Promise<Seen> } = {
    running: stat(file, { bigint: true }).catch(missing),
  };
  statting.set(file, entry);
  const done = () => {
    if (statting.get(file) === entry) statting.delete(file);
  };
  entry.running.then(done, done);
  return entry.running;
}

const identity = (info: BigIntStats): string =>
  `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;

function missing(error: NodeJS.ErrnoException): undefined {
  if (error.code === "ENOENT") return undefined;
  throw error;
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
  await homeDir(layout);
  return withLock(layout, ".state", lockTimeoutMs, async () => {
    const state = await readState(layout);
    change(state);
    const sorted = Object.fromEntries(Object.entries(state.plugins).sort(([a], [b]) => a.localeCompare(b)));
    await writeFileAtomic(layout.stateFile, `${JSON.stringify({ format: 1, plugins: sorted }, null, 2)}\n`);
    return state;
  });
}
