import { RunnerError } from "../errors.ts";
import { fileDigests } from "../install/file-digests.ts";
import { layoutFor } from "../install/layout.ts";
import { readState } from "../install/state.ts";
import { assertName } from "./plugin-name.ts";

export interface InstalledCheck {
  name: string;
  version: string;
  ok: boolean;
  /** "modified: bin/x", "missing: LICENSE", "added: evil.so" */
  problems: string[];
}

/**
 * The library's `verify`: checks installed plugin folders against the digests recorded when they
 * were installed (from verified bytes), so a folder changed on disk afterwards is noticed.
 */
export async function verifyInstalled(pluginDir: string, names: string[] = []): Promise<InstalledCheck[]> {
  const state = await readState(layoutFor(pluginDir));
  for (const name of names) {
    assertName(name);
    if (!state.plugins[name]) throw new RunnerError("NOT_INSTALLED", `${name} is not installed`, { name });
  }
  const plugins = Object.values(state.plugins).filter((p) => names.length === 0 || names.includes(p.name));
  const checks: InstalledCheck[] = [];
  for (const plugin of plugins.sort((a, b) => a.name.localeCompare(b.name))) {
    const problems: string[] = [];
    const recorded = plugin.files ?? {};
    let actual: Record<string, string> = {};
    try {
      actual = await fileDigests(plugin.path);
    } catch {
      problems.push(`missing: ${plugin.path}`);
    }
    for (const [file, digest] of Object.entries(recorded)) {
      if (!(file in actual)) problems.push(`missing: ${file}`);
      else if (actual[file] !== digest) problems.push(`modified: ${file}`);
    }
    for (const file of Object.keys(actual)) if (!(file in recorded)) problems.push(`added: ${file}`);
    checks.push({ name: plugin.name, version: plugin.version, ok: problems.length === 0, problems });
  }
  return checks;
}
