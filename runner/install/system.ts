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
  return {
    os: OS[platform()] ?? platform(),
    arch: ARCH[arch()] ?? arch(),
    memoryMb: Math.floor(totalmem() / (1024 * 1024)),
    freeDiskMb,
  };
}
