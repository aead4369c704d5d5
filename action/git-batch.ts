import { spawn } from "node:child_process";
import { GitError } from "./git.ts";

/** One object read from the repository. */
export interface GitObject {
  oid: string;
  type: "blob" | "tree" | "commit" | "tag";
  data: Buffer;
}

/** Reads objects through one long-lived `git cat-file --batch` process. */
export interface GitObjectReader {
  /** `<rev>:<path>` or any object name; undefined when it does not exist. */
  read(spec: string): Promise<GitObject | undefined>;
  close(): void;
}

interface Pending {
  resolve(value: GitObject | undefined): void;
  reject(error: Error): void;
}

/**
 * Starts `git cat-file --batch` in `cwd`. Requests are answered in order, so a FIFO of pending
 * promises is enough. One process serves every read of a run: spawning git per file costs more
 * than reading the file, and it is what made large registries slower.
 */
export function gitBatch(cwd: string): GitObjectReader {
  const child = spawn("git", ["cat-file", "--batch"], {
    cwd,
    stdio: ["pipe", "pipe", "ignore"],
    env: { ...process.env, GIT_TERMINAL_PROMPT: "0" },
  });
  const queue: Pending[] = [];
  let buffer: Buffer = Buffer.alloc(0);
  let closed = false;
  const failAll = (error: Error) => {
    closed = true;
    for (const p of queue.splice(0)) p.reject(error);
  };
  child.on("error", failAll);
  child.on("close", () => failAll(new GitError("git cat-file --batch exited")));
  child.stdout.on("data", (chunk: Buffer) => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    for (;;) {
      const eol = buffer.indexOf(10);
      if (eol < 0) return;
      const header = buffer.subarray(0, eol).toString("utf8");
      if (header.endsWith(" missing") || header.endsWith(" ambiguous")) {
        buffer = buffer.subarray(eol + 1);
        queue.shift()?.resolve(undefined);
        continue;
      }
      const [oid = "", type, size] = header.split(" ");
      const length = Number(size);
      if (buffer.length < eol + 1 + length + 1) return;
      const data = Buffer.from(buffer.subarray(eol + 1, eol + 1 + length));
      buffer = buffer.subarray(eol + 1 + length + 1);
      queue.shift()?.resolve({ oid, type: type as GitObject["type"], data });
    }
  });
  return {
    read(spec) {
      if (closed) return Promise.reject(new GitError("git cat-file --batch is closed"));
      if (/[\n\r\0]/.test(spec)) return Promise.resolve(undefined);
      return new Promise((resolve, reject) => {
        queue.push({ resolve, reject });
        child.stdin.write(`${spec}\n`);
      });
    },
    close() {
      if (closed) return;
      closed = true;
      child.stdin.end();
    },
  };
}

/** Entry names of a tree object (the binary format: `<mode> <name>\0<hash>` repeated). */
export function treeEntries(tree: Buffer, hashBytes = 20): string[] {
  const names: string[] = [];
  let i = 0;
  while (i < tree.length) {
    const space = tree.indexOf(32, i);
    const nul = tree.indexOf(0, space);
    if (space < 0 || nul < 0) break;
    names.push(tree.subarray(space + 1, nul).toString("utf8"));
    i = nul + 1 + hashBytes;
  }
  return names;
}
