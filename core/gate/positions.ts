import type { Finding } from "../findings.types.ts";
import { attachPositions } from "../json/positions.ts";
import type { RegistrySource } from "../registry/source.types.ts";

const decoder = new TextDecoder("utf-8", { fatal: false });

/**
 * Gives line and column to findings that only have a pointer (governance and artifact findings),
 * from the file as the PR has it (or as the base had it, for a deleted file), so annotations land
 * on the exact line. Only files that have such findings are read again (they are cached).
 */
export async function withPositions(
  findings: Finding[],
  registryPath: string,
  sources: readonly RegistrySource[],
): Promise<Finding[]> {
  const prefix = registryPath === "." ? "" : `${registryPath}/`;
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.line !== undefined || !f.pointer || !f.file.endsWith(".json") || !f.file.startsWith(prefix))
      continue;
    byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  }
  const located = new Map<Finding, Finding>();
  for (const [file, list] of byFile) {
    let bytes: Uint8Array | undefined;
    for (const source of sources) {
      bytes = await source.readFile(file.slice(prefix.length));
      if (bytes) break;
    }
    if (!bytes) continue;
    const positioned = attachPositions(list, decoder.decode(bytes));
    list.forEach((f, i) => {
      located.set(f, positioned[i] ?? f);
    });
  }
  return findings.map((f) => located.get(f) ?? f);
}
