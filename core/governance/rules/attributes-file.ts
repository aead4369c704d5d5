import type { Finding } from "../../findings.types.ts";
import type { GovernanceRule } from "../governance.types.ts";

/** True when a `.gitattributes` in folder `dir` ("" is the repository root) applies to the registry. */
function appliesToRegistry(dir: string, registryPath: string): boolean {
  if (dir === "") return true;
  const registry = registryPath === "." || registryPath === "" ? "" : registryPath;
  return registry === dir || registry.startsWith(`${dir}/`);
}

/**
 * ATTRIBUTES_FILE: a pull request may not add or change a `.gitattributes` in a folder above the
 * registry (inside it, the layout refuses any). Attributes make a checkout differ from the
 * committed bytes (eol and working-tree-encoding conversions, `ident`, filters). The gate and the
 * publisher read git objects, which attributes never touch, but people and tools that check out
 * the repository would read other bytes than were reviewed. For everyone; deleting one is fine.
 */
export const attributesFile: GovernanceRule = (ctx) => {
  const findings: Finding[] = [];
  for (const change of ctx.changes) {
    if (change.status === "deleted") continue;
    const slash = change.path.lastIndexOf("/");
    const name = change.path.slice(slash + 1);
    if (name !== ".gitattributes") continue;
    const dir = slash < 0 ? "" : change.path.slice(0, slash);
    if (!appliesToRegistry(dir, ctx.registryPath)) continue;
    findings.push({
      code: "ATTRIBUTES_FILE",
      severity: "error",
      message: `${change.path} applies to the registry (${ctx.registryPath}/): a checkout would convert its files, so what people check out would differ from what was reviewed. Keep .gitattributes in folders that are not above the registry.`,
      file: change.path,
      pointer: "",
    });
  }
  return findings;
};
