import { append } from "../findings.ts";
import type { Finding } from "../findings.types.ts";
import { loadJson } from "../json/load-json.ts";
import type { Manifest } from "../manifest.types.ts";
import { bundleFile, CONFIG_FILE, classifyPath, entryFile, versionsDir } from "../registry/layout.ts";
import type { RegistrySource } from "../registry/source.types.ts";
import type { Entry, RegistryConfig } from "../registry.types.ts";
import type { KnownVersion } from "../rules/rule.types.ts";
import { validateEntry, validateRegistryConfig } from "./validate-documents.ts";
import { validateManifest } from "./validate-manifest.ts";

/**
 * Validates some files of a registry in registry context, reading only what they need: the
 * config, their plugin's entry and listing, and the listings of their dependencies. Checking one
 * new manifest costs a handful of reads however large the registry is.
 */
export async function validateRegistryFiles(
  source: RegistrySource,
  files: readonly string[],
): Promise<{ findings: Finding[]; filesRead: number }> {
  let filesRead = 0;
  const read = async (rel: string): Promise<Uint8Array | undefined> => {
    filesRead++;
    return source.readFile(rel);
  };
  const findings: Finding[] = [];
  const configBytes = await read(CONFIG_FILE);
  const configResult = configBytes ? validateRegistryConfig(configBytes, CONFIG_FILE) : undefined;
  const config: RegistryConfig | undefined = configResult?.value;
  const entries = new Map<string, Promise<Entry | undefined>>();
  const entryOf = (name: string): Promise<Entry | undefined> => {
    let pending = entries.get(name);
    if (!pending) {
      pending = read(entryFile(name)).then((b) =>
        b ? validateEntry(b, entryFile(name), name).value : undefined,
      );
      entries.set(name, pending);
    }
    return pending;
  };
  const listings = new Map<string, Promise<string[]>>();
  const listingOf = (name: string): Promise<string[]> => {
    let pending = listings.get(name);
    if (!pending) {
      pending = source.list(versionsDir(name));
      listings.set(name, pending);
    }
    return pending;
  };
  const knownOf = async (name: string): Promise<KnownVersion[]> => {
    const [files, entry] = await Promise.all([listingOf(name), entryOf(name)]);
    return files
      .filter((f) => f.endsWith(".json") && !f.endsWith(".sigstore.json"))
      .map((f) => f.slice(0, -".json".length))
      .map((version) => ({ version, yanked: Object.hasOwn(entry?.yanked ?? {}, version) }));
  };

  for (const file of files) {
    const where = classifyPath(file);
    const bytes = await read(file);
    if (!bytes) {
      findings.push({
        code: "FILE_UNREADABLE",
        severity: "error",
        message: "the file does not exist",
        file,
        pointer: "",
      });
      continue;
    }
    if (where.kind === "config") append(findings, configResult?.findings ?? []);
    else if (where.kind === "entry") append(findings, validateEntry(bytes, file, where.name).findings);
    else if (where.kind === "bundle") {
      const manifests = await listingOf(where.name);
      if (!manifests.includes(`${where.version}.json`)) {
        findings.push({
          code: "ORPHAN_FILE",
          severity: "error",
          message: `a Sigstore bundle for ${where.version}, which has no manifest`,
          file: bundleFile(where.name, where.version),
          pointer: "",
        });
      }
    } else if (where.kind === "version") {
      // Read the dependencies first (a cheap parse) so the rules can resolve them.
      const deps = (loadJson(bytes, { file }).value as Partial<Manifest> | undefined)?.requirements
        ?.dependencies;
      const names = Array.isArray(deps) ? deps.map((d) => d?.name).filter((n) => typeof n === "string") : [];
      const known = new Map<string, KnownVersion[]>();
      await Promise.all(names.map(async (n) => known.set(n, await knownOf(n))));
      const [entry, listing] = await Promise.all([entryOf(where.name), listingOf(where.name)]);
      const result = validateManifest(bytes, file, {
        path: { name: where.name, version: where.version },
        ...(config ? { config } : {}),
        ...(entry ? { entry } : {}),
        hasBundle: listing.includes(`${where.version}.sigstore.json`),
        lookup: (name) => {
          const list = known.get(name);
          return list && list.length > 0 ? list : undefined;
        },
      });
      append(findings, result.findings);
    } else {
      append(findings, validateManifest(bytes, file, config ? { config } : {}).findings);
    }
  }
  return { findings, filesRead };
}
