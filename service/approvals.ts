/**
 * Approvals granted ahead of time: the specification's requests carry no consent fields, so what
 * a person would be asked (a plugin's permissions, installing an untrusted plugin, a minor update)
 * is granted before the request with `finfocus-registry approve NAME PERMISSION…`, and kept in
 * `<plugin-dir>/.finfocus-registry/approvals.json` (mode 0600; people may edit it). The daemon
 * reads it on every request, so a grant applies without a restart.
 */
import { randomUUID } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { RegistryError } from "../core/errors.ts";
import { loadJson } from "../core/json/load-json.ts";
import { readLocalFile } from "../core/json/local-file.ts";
import type { Approval } from "../runner/index.ts";
import { RunnerError } from "../runner/index.ts";
import manifestSchema from "../schemas/plugin-manifest.schema.json" with { type: "json" };

/** What may be approved besides a manifest permission: installing an untrusted plugin, a minor update. */
export const SPECIAL_GRANTS = ["untrusted", "minor-update"] as const;
/** The manifest permissions, as the manifest schema lists them (the one list). */
export const PERMISSIONS: readonly string[] =
  manifestSchema.properties.security.properties.permissions.items.enum;

export interface ApprovalsFile {
  format: 1;
  /** Plugin name → what is granted for it. */
  approvals: Record<string, string[]>;
}

/** `<plugin-dir>/.finfocus-registry/approvals.json`. */
export const approvalsPath = (pluginDir: string): string =>
  join(pluginDir, ".finfocus-registry", "approvals.json");

/** Most bytes approvals.json may hold. */
const MAX_APPROVALS_BYTES = 1024 * 1024;

/** The grants; a missing file grants nothing. */
export async function readApprovals(file: string): Promise<ApprovalsFile> {
  let bytes: Buffer;
  try {
    bytes = await readLocalFile(file, "approvals", MAX_APPROVALS_BYTES);
  } catch (error) {
    if (error instanceof RegistryError && error.details.reason === "missing")
      return { format: 1, approvals: Object.create(null) };
    throw error;
  }
  const loaded = loadJson(bytes, { file, maxBytes: MAX_APPROVALS_BYTES });
  const value = loaded.value as Partial<ApprovalsFile> | undefined;
  const approvals = value?.approvals;
  if (
    loaded.findings.length > 0 ||
    value?.format !== 1 ||
    typeof approvals !== "object" ||
    approvals === null ||
    !Object.values(approvals).every((list) => Array.isArray(list) && list.every((g) => typeof g === "string"))
  ) {
    throw new RunnerError(
      "USAGE",
      `${file} is not an approvals file ({"format": 1, "approvals": {NAME: [...]}})`,
      {
        file,
      },
    );
  }
  return { format: 1, approvals: Object.assign(Object.create(null), approvals) };
}

/** Replaces the approvals file atomically, readable by its owner only. */
export async function writeApprovals(file: string, approvals: ApprovalsFile): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o755 });
  const sorted = Object.fromEntries(
    Object.entries(approvals.approvals)
      .filter(([, grants]) => grants.length > 0)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, grants]) => [name, [...new Set(grants)].sort()]),
  );
  const tmp = `${file}.${randomUUID()}.tmp`;
  try {
    await writeFile(tmp, `${JSON.stringify({ format: 1, approvals: sorted }, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, file);
  } finally {
    await rm(tmp, { force: true });
  }
}

/** What `approval` asks for, as grants: its permissions, or `untrusted` / `minor-update`. */
export function grantsAsked(approval: Approval): string[] {
  if (approval.kind === "permissions") return approval.permissions ?? [];
  return [approval.kind];
}

/**
 * The runner's `approve` callback for one request: yes when every grant asked for is on file for
 * that plugin; what was refused is kept in `refused`, so the error can name what to approve.
 */
export function approverFor(
  file: string,
  refused: { plugin: string; grants: string[] }[],
): (approval: Approval) => Promise<boolean> {
  return async (approval) => {
    const granted = (await readApprovals(file)).approvals[approval.plugin] ?? [];
    const missing = grantsAsked(approval).filter((g) => !granted.includes(g));
    if (missing.length === 0) return true;
    refused.push({ plugin: approval.plugin, grants: missing });
    return false;
  };
}
