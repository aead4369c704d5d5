/**
 * Finds a Chromium for the browser tests: CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/google-chrome.
 * Where there is none and this process is root with apt-get, installs Debian's `chromium`; otherwise
 * it fails with a message that names what to install. Never downloads a browser any other way.
 *
 * Run directly (`node scripts/ensure-chromium.ts`) it prints the path, or exits 2 with the message.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";

/**
 * Flags for headless Chromium here: no sandbox (root), no GPU, and none of the background
 * connections that this closed network refuses.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

export class ChromiumNotFoundError extends Error {
  readonly code = "CHROMIUM_NOT_FOUND";
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable browser, or undefined. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env.CHROMIUM_PATH;
  if (fromEnv) {
    if (executable(fromEnv)) return fromEnv;
    throw new ChromiumNotFoundError(`CHROMIUM_PATH is set to ${fromEnv}, which is not an executable file.`);
  }
  return CANDIDATES.find(executable);
}

function hasAptGet(): boolean {
  return spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status === 0;
}

/** Finds Chromium, installing Debian's package when root with apt-get; throws a clear error otherwise. */
export function ensureChromium(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): string {
  const found = findChromium();
  if (found) return found;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (isRoot && hasAptGet()) {
    log("No Chromium found: installing Debian's `chromium` package with apt-get…");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const update = spawnSync("apt-get", ["update"], { stdio: "inherit", env });
    const install =
      update.status === 0
        ? spawnSync("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], {
            stdio: "inherit",
            env,
          })
        : update;
    const path = findChromium();
    if (install.status === 0 && path) return path;
  }
  throw new ChromiumNotFoundError(
    "The browser tests need Chromium. Install it (Debian/Ubuntu: `sudo apt-get install chromium`) " +
      "or set CHROMIUM_PATH to a Chromium or Google Chrome executable.",
  );
}

if (import.meta.main) {
  try {
    process.stdout.write(`${ensureChromium()}\n`);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
}
