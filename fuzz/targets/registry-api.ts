import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import type { HttpCache } from "../../runner/source/http-cache.ts";
import { createRegistrySource } from "../../runner/source/registry-source.ts";
import { base64, fromBase64, runnerOutcome } from "../contract.ts";
import { mutate, mutationArbitrary, replaceAt } from "../mutate.ts";
import { filesUnder, ROOT } from "../seeds.ts";
import type { FuzzTarget } from "../target.types.ts";

const ORIGIN = "https://registry.example.test/";
const GOLDEN = path.join(ROOT, "test", "fixtures", "generator", "golden");

/** The generator's golden API documents, by URL. */
function documents(): Map<string, Uint8Array> {
  const docs = new Map<string, Uint8Array>();
  for (const file of filesUnder(GOLDEN, (n) => n.endsWith(".json")))
    docs.set(
      new URL(path.relative(GOLDEN, file).split(path.sep).join("/"), ORIGIN).href,
      new Uint8Array(readFileSync(file)),
    );
  return docs;
}

/** Values that documents are not supposed to hold where they end up. */
const ODD: unknown[] = [
  null,
  0,
  -1,
  1e308,
  "",
  "x".repeat(10_000),
  [],
  {},
  [null],
  { __proto__: null },
  true,
  "../../etc",
  "1.0.0",
];

type Op = { kind: "versions" | "manifest" | "bundle" | "list" | "trust"; plugin: number; version: number };

export interface ApiInput {
  /** Documents that differ from the golden ones: URL → bytes (base64). */
  changed: Record<string, string>;
  ops: Op[];
}

/**
 * The runner's reader of a registry's static API (discovery, plugin and version documents,
 * manifests, bundles), served from memory with one document mutated: by bytes, or by a value
 * put where it does not belong. Contract: every operation answers or fails with a RunnerError.
 */
export const registryApiTarget: FuzzTarget<ApiInput> = {
  name: "api",
  description: "the registry API reader on golden API documents, one mutated by bytes or by value",
  async arbitrary() {
    const docs = documents();
    const urls = [...docs.keys()].sort();
    const op: fc.Arbitrary<Op> = fc.record({
      kind: fc.constantFrom(
        "versions" as const,
        "manifest" as const,
        "bundle" as const,
        "list" as const,
        "trust" as const,
      ),
      plugin: fc.nat(4),
      version: fc.nat(4),
    });
    const change = fc.oneof(
      fc
        .record({
          doc: fc.nat(urls.length - 1),
          mutations: fc.array(mutationArbitrary, { minLength: 1, maxLength: 4 }),
        })
        .map(({ doc, mutations }) => {
          const url = urls[doc] as string;
          return { [url]: base64(mutate(docs.get(url) as Uint8Array, mutations)) };
        }),
      fc
        .record({
          doc: fc.nat(urls.length - 1),
          at: fc.nat(500),
          value: fc.oneof(fc.constantFrom(...ODD), fc.jsonValue({ maxDepth: 2 })),
        })
        .map(({ doc, at, value }) => {
          const url = urls[doc] as string;
          const parsed = JSON.parse(Buffer.from(docs.get(url) as Uint8Array).toString("utf8")) as unknown;
          return { [url]: base64(new TextEncoder().encode(JSON.stringify(replaceAt(parsed, at, value)))) };
        }),
    );
    return fc.record({ changed: change, ops: fc.array(op, { minLength: 1, maxLength: 5 }) });
  },
  async check(input) {
    const docs = documents();
    for (const [url, bytes] of Object.entries(input.changed)) docs.set(url, fromBase64(bytes));
    const cache = { get: async (url: string) => docs.get(url), now: () => 0 } as unknown as HttpCache;
    const source = createRegistrySource({ url: ORIGIN, cache });
    const index = JSON.parse(
      Buffer.from(documents().get(new URL("api/v1/plugins/index.json", ORIGIN).href) ?? []).toString("utf8"),
    ) as {
      plugins: { name: string }[];
    };
    const names = [...index.plugins.map((p) => p.name), "absent-plugin"];
    const start = performance.now();
    for (const op of input.ops) {
      const name = names[op.plugin % names.length] as string;
      const listed = await runnerOutcome(() => source.versions(name));
      const versions = listed.value?.versions.map((v) => v.version) ?? ["1.0.0"];
      const version = versions[op.version % Math.max(1, versions.length)] ?? "1.0.0";
      if (op.kind === "manifest") await runnerOutcome(() => source.manifest(name, version));
      else if (op.kind === "bundle") await runnerOutcome(() => source.bundle(name, version));
      else if (op.kind === "list") await runnerOutcome(() => source.list(""));
      else if (op.kind === "trust") await runnerOutcome(async () => source.trust?.());
    }
    return { ms: performance.now() - start };
  },
  encode: (input) => input,
  decode: (saved) => saved as ApiInput,
};
