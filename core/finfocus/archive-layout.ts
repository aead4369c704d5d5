import type { Finding } from "../findings.types.ts";

/** An archive member as the layout rule needs it: its name and kind. */
export interface LayoutEntry {
  path: string;
  kind: string;
}

function segments(name: string): string[] {
  return name.split("/").filter((p) => p !== "" && p !== ".");
}

/**
 * The folder that wraps a whole archive: when every member lies under one top-level folder
 * (`cost-aws-1.0.0/finfocus-plugin-cost-aws`, `cost-aws-1.0.0/README.md`), its name; else
 * undefined (files at the root, several top-level names, or an empty archive). The FinFocus CLI
 * looks for `finfocus-plugin-<name>` at the root of the version folder, so the runner installs
 * such an archive without that folder and the gate warns its author (docs/registry-format.md,
 * "Archive layout").
 */
export function wrappingFolder(entries: readonly LayoutEntry[]): string | undefined {
  let top: string | undefined;
  let nested = false;
  for (const entry of entries) {
    const parts = segments(entry.path);
    if (parts.length === 0) continue;
    if (top === undefined) top = parts[0];
    else if (parts[0] !== top) return undefined;
    if (parts.length === 1 && entry.kind !== "directory") return undefined;
    if (parts.length > 1) nested = true;
  }
  return nested ? top : undefined;
}

/** A member's name without the wrapping folder ("" for the folder itself). */
export function unwrapped(name: string, folder: string): string {
  const parts = segments(name);
  return parts[0] === folder ? parts.slice(1).join("/") : parts.join("/");
}

/**
 * The gate's warning for an archive wrapped in one folder: it installs (the runner unwraps it),
 * but other installers, the FinFocus CLI's own among them, would put the binary one level too deep.
 */
export function archiveLayoutFindings(
  entries: readonly LayoutEntry[],
  plugin: string,
  file: string,
): Finding[] {
  const folder = wrappingFolder(entries);
  if (folder === undefined) return [];
  return [
    {
      code: "ARCHIVE_ONE_FOLDER",
      severity: "warning",
      message: `Every file of the artifact sits under one folder, ${JSON.stringify(folder)}/: the FinFocus CLI looks for finfocus-plugin-${plugin} at the root of the version folder. Build the archive from inside that folder (e.g. tar -czf ../artifact.tar.gz -C ${JSON.stringify(folder)} .).`,
      file,
      pointer: "/installation/download_url",
    },
  ];
}
