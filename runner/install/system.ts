import { statfs } from "node:fs/promises";
import { arch, platform, totalmem } from "node:os";
import type { SystemInfo } from "../../core/policy/system.ts";

export type { SystemInfo };

const OS: Record<string, string> = { linux: "linux", darwin: "darwin", win32: "windows", freebsd: "freebsd" };
const ARCH: Record<string, string> = {
  x64: "amd64",
  arm64: "arm64",
  ia32: "386",
  arm: "arm",
  ppc64: "ppc64le",
  s390x: "s390x",
};

/** Node's platform and arch mapped to the spec's values (Go's GOOS/GOARCH names). */
export async function currentSystem(pluginDir: string): Promise<SystemInfo> {
  let freeDiskMb: number | undefined;
  try {
    const s = await statfs(pluginDir);
    freeDiskMb = Math.floor((s.bavail * s.bsize) / (1024 * 1024));
  } catch {
    freeDiskMb = undefined;
  }
  const variant = variantOf(arch());
  return {
    os: OS[platform()] ?? platform(),
    arch: ARCH[arch()] ?? arch(),
    ...(variant !== undefined ? { variant } : {}),
    memoryMb: Math.floor(totalmem() / (1024 * 1024)),
    freeDiskMb,
  };
}

/** The CPU variant OCI image indexes name (core's SystemInfo.variant): arm's version Node was built for. */
function variantOf(nodeArch: string): string | undefined {
  if (nodeArch === "arm64") return "v8";
  if (nodeArch !== "arm") return undefined;
  const version = (process.config.variables as { arm_version?: unknown }).arm_version;
  return typeof version === "string" && /^[5-8]$/.test(version) ? `v${version}` : undefined;
}
