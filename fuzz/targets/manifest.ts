import path from "node:path";
import fc from "fast-check";
import { validateManifest } from "../../core/validate/validate-manifest.ts";
import { assertFindings, base64, fromBase64 } from "../contract.ts";
import { mutate, mutatedSeed } from "../mutate.ts";
import { filesUnder, readAll, upstreamDir } from "../seeds.ts";
import type { FuzzTarget } from "../target.types.ts";
import { authorSchema, configValue } from "./author-schemas.ts";

const FILE = "fuzz/manifest.json";

/** Manifests from the bundled registry, the test fixtures and upstream's examples. */
function seeds(): Uint8Array[] {
  const upstream = upstreamDir();
  const files = [
    ...filesUnder(
      "registry/plugins",
      (n) => n.endsWith(".json") && !n.endsWith(".sigstore.json") && n !== "entry.json",
    ),
    ...filesUnder("test/fixtures/manifests", (n) => n === "manifest.json"),
    ...(upstream
      ? filesUnder(path.join(upstream, "finfocus-spec/examples/plugins"), (n) => n.endsWith(".json"))
      : []),
  ];
  return readAll(files);
}

/**
 * The manifest validator (gate, `validate`, `build`): mutated real manifests, and valid ones with
 * hostile configuration schemas and values. Contract: findings, never an exception; documented
 * codes; at most MAX_FINDINGS_PER_FILE + 1 per file.
 */
export const manifestTarget: FuzzTarget<Uint8Array> = {
  name: "manifest",
  description: "validateManifest on mutated manifests and hostile configuration schemas",
  async arbitrary() {
    const all = seeds();
    const valid = all.filter((bytes) => validateManifest(bytes, FILE).findings.length === 0);
    const mutated = mutatedSeed(all.length).map(({ seed, mutations }) =>
      mutate(all[seed] as Uint8Array, mutations),
    );
    const configured = fc
      .record({
        seed: fc.nat(Math.max(0, valid.length - 1)),
        schema: authorSchema,
        defaults: fc.option(configValue),
        examples: fc.array(configValue, { maxLength: 3 }),
      })
      .map(({ seed, schema, defaults, examples }) => {
        const manifest = JSON.parse(Buffer.from(valid[seed] as Uint8Array).toString("utf8")) as Record<
          string,
          unknown
        >;
        const clip = (value: unknown) => JSON.stringify(value).slice(0, 65_000);
        manifest.configuration = {
          schema: clip(schema),
          ...(defaults !== null ? { default_config: clip(defaults) } : {}),
          examples: examples.map((e, i) => ({ name: `e${i}`, description: "fuzz", config: clip(e) })),
        };
        return new TextEncoder().encode(JSON.stringify(manifest));
      });
    return fc.oneof({ arbitrary: mutated, weight: 3 }, { arbitrary: configured, weight: 2 });
  },
  async check(bytes) {
    const start = performance.now();
    const result = validateManifest(bytes, FILE);
    const ms = performance.now() - start;
    assertFindings(result.findings, FILE);
    if (result.value !== undefined) {
      const v = result.value as unknown;
      if (typeof v !== "object" || v === null) throw new Error("a value that is not a manifest object");
    }
    return { ms };
  },
  encode: (bytes) => ({ base64: base64(bytes), text: tryText(bytes) }),
  decode: (saved) => fromBase64((saved as { base64: string }).base64),
};

/** The text too, when short: a saved input should be readable in review. */
function tryText(bytes: Uint8Array): string | undefined {
  return bytes.byteLength > 4096 ? undefined : Buffer.from(bytes).toString("utf8");
}
