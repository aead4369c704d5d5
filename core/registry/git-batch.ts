import { execFileSync, spawn } from "node:child_process";
import { GIT_ENV, GitError } from "./git.ts";
import { type GitObjectReader, type GitTree, type GitTreeEntry, kindOfMode } from "./git-objects.types.ts";

/** One object read from the repository. */
export interface GitObject {
  oid: string;
  type: "blob" | "tree" | "commit" | "tag";
  data: Buffer;
}

/** A GitObjectReader over one long-lived `git cat-file --batch` process. */
export interface GitBatch extends GitObjectReader {
  /** `<rev>:<path>` or any object name; undefined when it does not exist. */
  read(spec: string): Promise<GitObject | undefined>;
  /** The commit id a revision names (`HEAD`, a branch, a SHA), undefined when it names none. */
  commit(rev: string): Promise<string | undefined>;
  close(): void;
}

interface Pending {
  resolve(value: GitObject | undefined): void;
  reject(error: Error): void;
}

let commandMode: boolean | undefined;

/** True when git has `cat-file --batch-command` (2.36 and later), which allows buffered output. */
function batchCommand(): boolean {
  if (commandMode === undefined) {
    try {
      const [, major = "0", minor = "0"] =
        /(\d+)\.(\d+)/.exec(execFileSync("git", ["version"], { encoding: "utf8" })) ?? [];
      commandMode = Number(major) > 2 || (Number(major) === 2 && Number(minor) >= 36);
    } catch {
      commandMode = false;
    }
  }
  return commandMode;
}

/**
 * Starts `git cat-file` in `cwd`. One process serves every read of a run: spawning git per file
 * costs more than reading the file. Requests are answered in order, so a FIFO of pending promises
 * is enough. With git 2.36 or later the output is buffered (`--batch-command --buffer`) and
 * flushed once per burst of requests, so reading a whole registry is not one pipe round trip per
 * object. Replace refs are ignored (GIT_NO_REPLACE_OBJECTS): an object id always names the
 * object it hashes to.
 */
export function gitBatch(cwd: string): GitBatch {
  const buffered = batchCommand();
  const child = spawn("git", ["cat-file", ...(buffered ? ["--batch-command", "--buffer"] : ["--batch"])], {
    cwd,
    stdio: ["pipe", "pipe", "ignore"],
    env: { ...process.env, ...GIT_ENV },
  });
  const queue: Pending[] = [];
  let head = 0;
  const next = (): Pending | undefined => {
    const pending = queue[head++];
    if (head > 1024 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
    return pending;
  };
  let buffer: Buffer = Buffer.alloc(0);
  // Chunks of an object still arriving, joined once it is whole (a large tree comes in many).
  let pendingChunks: Buffer[] = [];
  let pendingBytes = 0;
  let needed = 0;
  let closed = false;
  let flushing = false;
  const failAll = (error: Error) => {
    closed = true;
    for (const p of queue.splice(head)) p.reject(error);
    head = 0;
    queue.length = 0;
  };
  child.on("error", failAll);
  child.on("close", () => failAll(new GitError("git cat-file exited")));
  child.stdin.on("error", failAll);
  child.stdout.on("data", (chunk: Buffer) => {
    if (needed > 0) {
      pendingChunks.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes < needed) return;
      buffer = Buffer.concat(pendingChunks, pendingBytes);
      pendingChunks = [];
      pendingBytes = 0;
      needed = 0;
    } else buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    for (;;) {
      const eol = buffer.indexOf(10);
      if (eol < 0) return;
      const header = buffer.subarray(0, eol).toString("utf8");
      if (header.endsWith(" missing") || header.endsWith(" ambiguous")) {
        buffer = buffer.subarray(eol + 1);
        next()?.resolve(undefined);
        continue;
      }
      const [oid = "", type, size] = header.split(" ");
      const length = Number(size);
      if (buffer.length < eol + 1 + length + 1) {
        needed = eol + 1 + length + 1;
        pendingChunks = [buffer];
        pendingBytes = buffer.length;
        buffer = Buffer.alloc(0);
        return;
      }
      // Trees are cached: a copy, so one does not keep the whole chunk it arrived in alive.
      const body = buffer.subarray(eol + 1, eol + 1 + length);
      const data = type === "tree" ? Buffer.from(body) : body;
      buffer = buffer.subarray(eol + 1 + length + 1);
      next()?.resolve({ oid, type: type as GitObject["type"], data });
    }
  });
  const read = (spec: string): Promise<GitObject | undefined> => {
    if (closed) return Promise.reject(new GitError("git cat-file is closed"));
    if (/[\n\r\0]/.test(spec)) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      queue.push({ resolve, reject });
      child.stdin.write(buffered ? `contents ${spec}\n` : `${spec}\n`);
      if (buffered && !flushing) {
        flushing = true;
        setImmediate(() => {
          flushing = false;
          if (!closed) child.stdin.write("flush\n");
        });
      }
    });
  };
  const HEX = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
  return {
    read,
    async commit(rev) {
      if (rev.startsWith("-")) return undefined;
      return (await read(`${rev}^{commit}`))?.oid;
    },
    async treeAt(commit, path) {
      const object = await read(`${commit}:${path}`);
      return object?.type === "tree" ? object.oid : undefined;
    },
    async tree(oid) {
      if (!HEX.test(oid)) return undefined;
      const object = await read(oid);
      return object?.type === "tree" ? lazyTree(object.data, oid.length / 2) : undefined;
    },
    async blob(oid) {
      if (!HEX.test(oid)) return undefined;
      const object = await read(oid);
      return object?.type === "blob" ? object.data : undefined;
    },
    close() {
      if (closed) return;
      closed = true;
      child.stdin.end();
    },
  };
}

/**
 * The entries of a tree object (binary format: `<mode> <name>\0<hash>` repeated), with their
 * kinds. Names are bytes in git; one that is not UTF-8 keeps its replacement characters and can
 * never equal a name the layout expects.
 */
export function treeEntries(tree: Buffer, hashBytes = 20): GitTreeEntry[] {
  const entries: GitTreeEntry[] = [];
  let i = 0;
  while (i < tree.length) {
    const space = tree.indexOf(32, i);
    const nul = tree.indexOf(0, space);
    if (space < 0 || nul < 0 || nul + 1 + hashBytes > tree.length) break;
    entries.push({
      kind: kindOfMode(tree.subarray(i, space).toString("latin1")),
      name: tree.subarray(space + 1, nul).toString("utf8"),
      oid: tree.subarray(nul + 1, nul + 1 + hashBytes).toString("hex"),
    });
    i = nul + 1 + hashBytes;
  }
  return entries;
}

/** Names `lazyTree` finds by scanning before it decodes every entry once and looks them up. */
const SCANS = 8;

/**
 * A tree read from its bytes: its first few `find`s scan for one name without decoding the
 * others (the `plugins/` tree of a large registry has tens of thousands, of which a pull request
 * touches a few); after that, or on `entries`, every entry is decoded once and found by name (a
 * rebuild finds every plugin in it: scans would cost the square of their number).
 */
export function lazyTree(data: Buffer, hashBytes = 20): GitTree {
  let parsed: GitTreeEntry[] | undefined;
  let byName: Map<string, GitTreeEntry> | undefined;
  let scans = 0;
  const decode = (): GitTreeEntry[] => {
    if (!parsed) {
      parsed = treeEntries(data, hashBytes);
      byName = new Map();
      for (const e of parsed) if (!byName.has(e.name)) byName.set(e.name, e);
    }
    return parsed;
  };
  return {
    find(name) {
      if (!byName && ++scans > SCANS) decode();
      if (byName) return byName.get(name);
      const target = Buffer.from(name, "utf8");
      let i = 0;
      while (i < data.length) {
        const space = data.indexOf(32, i);
        const nul = data.indexOf(0, space);
        if (space < 0 || nul < 0 || nul + 1 + hashBytes > data.length) return undefined;
        if (nul - space - 1 === target.length && data.compare(target, 0, target.length, space + 1, nul) === 0)
          return {
            name,
            kind: kindOfMode(data.toString("latin1", i, space)),
            oid: data.toString("hex", nul + 1, nul + 1 + hashBytes),
          };
        i = nul + 1 + hashBytes;
      }
      return undefined;
    },
    entries() {
      return [...decode()];
    },
  };
}
