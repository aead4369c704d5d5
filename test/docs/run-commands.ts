/**
 * Runs the shell examples of the documentation for real, in a scratch copy of the project under
 * test-output/ (so packages resolve from this checkout's node_modules, which no example can reach:
 * npm itself is refused). `finfocus-registry` and `npx finfocus-registry` run the copy's CLI. Each
 * example is one bash script with `set -eo pipefail`: it passes when it exits 0. Two adjustments,
 * so examples run beside other work on a shared machine: port 4321 becomes a free port, and after
 * a command sent to the background with `&` the script waits until that port answers (as a reader
 * would).
 */
import { execFileSync, spawn } from "node:child_process";
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";

/** Never copied: dependencies, git, build output, Astro's caches. */
const SKIP = new Set(["node_modules", ".git", "_site", "test-output", "dist-site", ".astro"]);

export interface Scratch {
  dir: string;
  env: Record<string, string>;
  close(): void;
}

/** A scratch copy of the project (its own git repository, one commit) with the CLI on PATH and npm refused. */
export function scratch(root: string): Scratch {
  mkdirSync(join(root, "test-output"), { recursive: true });
  const dir = mkdtempSync(join(root, "test-output", "docs-run-"));
  const project = join(dir, "project");
  mkdirSync(project);
  for (const name of readdirSync(root)) {
    if (SKIP.has(name)) continue;
    cpSync(join(root, name), join(project, name), {
      recursive: true,
      filter: (src) => !SKIP.has(src.split("/").pop() ?? ""),
    });
  }
  // A clone, as the docs assume: validate and build read the committed registry.
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=docs", "-c", "user.email=docs@example.com", ...args], {
      cwd: project,
      stdio: "ignore",
    });
  git("init", "-q", "-b", "main"); // the branch the docs name as the registry's
  git("add", "-A");
  git("commit", "-q", "--no-gpg-sign", "-m", "scratch copy");
  const bin = join(dir, "bin");
  mkdirSync(bin);
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { bin: Record<string, string> };
  const cli = join(project, pkg.bin["finfocus-registry"]!);
  const shim = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  shim("finfocus-registry", `exec "${process.execPath}" "${cli}" "$@"`);
  shim(
    "npx",
    `if [ "$1" = finfocus-registry ]; then shift; exec "${process.execPath}" "${cli}" "$@"; fi\necho "the docs test runs npx only for finfocus-registry" >&2; exit 127`,
  );
  shim("npm", `echo "the docs test does not run npm: mark the example # illustrative: <why>" >&2; exit 127`);
  const env = {
    PATH: `${bin}:${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
    HOME: dir,
    LANG: "C.UTF-8",
    NO_COLOR: "1",
  };
  return { dir: project, env, close: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const PRELUDE = `set -eo pipefail
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
__await() {
  for _ in $(seq 1 150); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.2; done
  echo "nothing answers on port $1" >&2; return 1
}
`;

/** The script the test runs for an example: the port swapped, background servers awaited. */
export function script(text: string, port: number): string {
  const lines = text.replaceAll("4321", String(port)).split("\n");
  const out: string[] = [];
  for (const line of lines) {
    out.push(line);
    if (/&\s*(#.*)?$/.test(line) && !/&&\s*(#.*)?$/.test(line)) out.push(`__await ${port}`);
  }
  return `${PRELUDE}${out.join("\n")}\n`;
}

/** Runs one example; resolves with its exit code and output (the last 4 KB). */
export async function runExample(
  s: Scratch,
  text: string,
  timeoutMs = 180_000,
): Promise<{ code: number | null; output: string }> {
  const port = await freePort();
  const child = spawn("bash", ["-c", script(text, port)], { cwd: s.dir, env: s.env, detached: true });
  let output = "";
  const collect = (c: Buffer) => {
    output = (output + c.toString()).slice(-4096);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  clearTimeout(timer);
  return { code, output };
}
