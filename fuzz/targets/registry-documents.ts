import fc from "fast-check";
import { validateEntry, validateRegistryConfig } from "../../core/validate/validate-documents.ts";
import { assertFindings, base64, fromBase64 } from "../contract.ts";
import { mutate, mutatedSeed } from "../mutate.ts";
import { filesUnder, readAll } from "../seeds.ts";
import type { FuzzTarget } from "../target.types.ts";

interface DocumentInput {
  kind: "entry" | "config";
  /** The document's bytes (base64). */
  bytes: string;
}

/** The registry's own documents: the bundled registry's and the test registries'. */
function seeds(name: "entry.json" | "config.json"): Uint8Array[] {
  return readAll([
    ...filesUnder("registry", (n) => n === name),
    ...filesUnder("test/fixtures", (n) => n === name),
  ]);
}

/**
 * The validators of the documents a pull request may change besides manifests: a plugin's
 * entry.json (owners, signers' PEM keys, yanks, deprecation) and config.json, mutated. Contract:
 * findings, never an exception; documented codes; at most MAX_FINDINGS_PER_FILE + 1 per file.
 */
export const registryDocumentsTarget: FuzzTarget<DocumentInput> = {
  name: "documents",
  description: "validateEntry and validateRegistryConfig on mutated entry.json and config.json files",
  async arbitrary() {
    const entries = seeds("entry.json");
    const configs = seeds("config.json");
    const of = (kind: DocumentInput["kind"], all: Uint8Array[]) =>
      mutatedSeed(all.length).map(({ seed, mutations }) => ({
        kind,
        bytes: base64(mutate(all[seed] as Uint8Array, mutations, 256 * 1024)),
      }));
    return fc.oneof({ arbitrary: of("entry", entries), weight: 2 }, of("config", configs));
  },
  async check({ kind, bytes }) {
    const file = kind === "entry" ? "plugins/fuzz/entry.json" : "config.json";
    const start = performance.now();
    const result =
      kind === "entry"
        ? validateEntry(fromBase64(bytes), file, "fuzz")
        : validateRegistryConfig(fromBase64(bytes), file);
    const ms = performance.now() - start;
    assertFindings(result.findings, file);
    if (result.value !== undefined && (typeof result.value !== "object" || result.value === null))
      throw new Error("a value that is not a document object");
    return { ms };
  },
  encode: (input) => input,
  decode: (saved) => saved as DocumentInput,
};
