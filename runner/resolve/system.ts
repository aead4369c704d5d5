import { statfs } from "node:fs/promises";
import { arch, platform, totalmem } from "node:os";
import type { Manifest } from "../../core/manifest.types.ts";

/** The host as the spec names it. */
export interface SystemInfo {
  os: string;
  arch: string;
  memoryMb: number;
  /** Free space where plugins are installed; undefined when it cannot be measured. */
  freeDiskMb: number | undefined;
}

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

const ALIASES: Record<string, string> = {
  x86_64: "amd64",
  aarch64: "arm64",
  macos: "darwin",
  win32: "windows",
};
const norm = (v: string) => ALIASES[v.toLowerCase()] ?? v.toLowerCase();

/** Every requirement of the manifest this host does not meet; empty when it meets them all. */
export function unmetRequirements(manifest: Manifest, system: SystemInfo): string[] {
  const req = manifest.requirements?.system_requirements;
  if (!req) return [];
  const problems: string[] = [];
  if (req.supported_os?.length && !req.supported_os.map(norm).includes(system.os)) {
    problems.push(`os ${system.os} is not one of ${req.supported_os.join(", ")}`);
  }
  if (req.supported_architectures?.length && !req.supported_architectures.map(norm).includes(system.arch)) {
    problems.push(`architecture ${system.arch} is not one of ${req.supported_architectures.join(", ")}`);
  }
  if (req.min_memory_mb && system.memoryMb < req.min_memory_mb) {
    problems.push(`${system.memoryMb} MB of memory, ${req.min_memory_mb} MB needed`);
  }
  if (req.min_disk_mb && system.freeDiskMb !== undefined && system.freeDiskMb < req.min_disk_mb) {
    problems.push(`${system.freeDiskMb} MB of free disk, ${req.min_disk_mb} MB needed`);
  }
  return problems;
}
