import type { Finding } from "../findings.types.ts";
import type { Manifest } from "../manifest.types.ts";

/** The host as the spec names it (Go's GOOS/GOARCH names); the runner measures it. */
export interface SystemInfo {
  os: string;
  arch: string;
  /**
   * The CPU variant as OCI image indexes name it (`v7` for a 32-bit arm host, `v8` for arm64);
   * undefined when the architecture has none the runner can tell.
   */
  variant?: string;
  memoryMb: number;
  /** Free space where plugins are installed; undefined when it cannot be measured. */
  freeDiskMb: number | undefined;
}

const ALIASES: Record<string, string> = {
  x86_64: "amd64",
  aarch64: "arm64",
  macos: "darwin",
  win32: "windows",
};
const norm = (v: string) => ALIASES[v.toLowerCase()] ?? v.toLowerCase();

/**
 * Every `system_requirements` entry of the manifest this host does not meet, as
 * `SYSTEM_REQUIREMENTS_NOT_MET` findings; none when it meets them all (or states none).
 */
export function unmetRequirements(
  manifest: Manifest,
  system: SystemInfo,
  file = manifest.metadata.name,
): Finding[] {
  const req = manifest.requirements?.system_requirements;
  if (!req) return [];
  const out: Finding[] = [];
  const unmet = (field: string, message: string) =>
    out.push({
      code: "SYSTEM_REQUIREMENTS_NOT_MET",
      severity: "error",
      message,
      file,
      pointer: `/requirements/system_requirements/${field}`,
    });
  if (req.supported_os?.length && !req.supported_os.map(norm).includes(system.os)) {
    unmet("supported_os", `os ${system.os} is not one of ${req.supported_os.join(", ")}`);
  }
  if (req.supported_architectures?.length && !req.supported_architectures.map(norm).includes(system.arch)) {
    unmet(
      "supported_architectures",
      `architecture ${system.arch} is not one of ${req.supported_architectures.join(", ")}`,
    );
  }
  if (req.min_memory_mb && system.memoryMb < req.min_memory_mb) {
    unmet("min_memory_mb", `${system.memoryMb} MB of memory, ${req.min_memory_mb} MB needed`);
  }
  if (req.min_disk_mb && system.freeDiskMb !== undefined && system.freeDiskMb < req.min_disk_mb) {
    unmet("min_disk_mb", `${system.freeDiskMb} MB of free disk, ${req.min_disk_mb} MB needed`);
  }
  return out;
}
