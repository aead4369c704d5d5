/**
 * The sandbox tests need bubblewrap. Where `bwrap` is missing and this process is root with
 * apt-get, installs Debian's `bubblewrap` package (as scripts/ensure-chromium.ts does for the
 * browser). Where it still cannot run, it says why and exits 0: those tests then skip, each naming
 * the reason (a machine without user namespaces cannot run a sandbox at all).
 */
import { spawnSync } from "node:child_process";
import { probeSandbox } from "../runner/sandbox/probe.ts";

function hasAptGet(): boolean {
  return spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status === 0;
}

/** Probes the sandbox, installing bubblewrap first when it is missing and that is possible. */
export function ensureBubblewrap(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)) {
  let support = probeSandbox();
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!support.bwrap && !process.env.FINFOCUS_BWRAP && isRoot && hasAptGet()) {
    log("No bubblewrap found: installing Debian's `bubblewrap` package with apt-get…");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const update = spawnSync("apt-get", ["update"], { stdio: "inherit", env });
    if (update.status === 0) {
      spawnSync("apt-get", ["install", "-y", "--no-install-recommends", "bubblewrap"], {
        stdio: "inherit",
        env,
      });
    }
    support = probeSandbox(process.env, true);
  }
  return support;
}

if (import.meta.main) {
  const support = ensureBubblewrap();
  process.stdout.write(
    support.bwrap && support.namespaces
      ? `${support.bwrap} (bubblewrap ${support.bwrap_version ?? "?"}): sandboxes start\n`
      : `the sandbox tests will skip: ${support.problem}\n`,
  );
}
