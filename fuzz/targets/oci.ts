import { createHash } from "node:crypto";
import fc from "fast-check";
import { bearerChallenge, tokenOf, tokenUrl } from "../../core/oci/auth.ts";
import {
  type ImageDocument,
  MAX_IMAGE_LAYERS,
  NAMED_PLATFORMS,
  readImageDocument,
} from "../../core/oci/image.ts";
import type { OciDistribution } from "../../core/oci/oci.types.ts";
import { pullImage } from "../../runner/install/pull-image.ts";
import { base64, fromBase64, runnerOutcome } from "../contract.ts";
import { mutate, mutationArbitrary, replaceAt } from "../mutate.ts";
import type { FuzzTarget } from "../target.types.ts";

const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
const digestOf = (bytes: Uint8Array): string => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
const GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

/** Two layers' bytes (the pull checks digests, it does not unpack), an image manifest over them. */
const LAYERS = [new Uint8Array([0x1f, 0x8b, 1, 2, 3]), new Uint8Array([0x1f, 0x8b, 4, 5, 6, 7])];
const MANIFEST = encode({
  schemaVersion: 2,
  mediaType: "application/vnd.oci.image.manifest.v1+json",
  config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: digestOf(LAYERS[0]!), size: 5 },
  layers: LAYERS.map((bytes) => ({ mediaType: GZIP, digest: digestOf(bytes), size: bytes.byteLength })),
});

/** Documents as registries serve them: an OCI index, a Docker manifest list, both kinds of manifest. */
const SEEDS: Uint8Array[] = [
  encode({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: [
      {
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        digest: digestOf(MANIFEST),
        size: MANIFEST.byteLength,
        platform: { os: "linux", architecture: "amd64" },
      },
      {
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        digest: digestOf(MANIFEST),
        size: MANIFEST.byteLength,
        platform: { os: "linux", architecture: "arm64", variant: "v8" },
      },
      {
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        digest: digestOf(MANIFEST),
        size: 1,
        platform: { os: "unknown", architecture: "unknown" },
      },
    ],
  }),
  encode({
    schemaVersion: 2,
    mediaType: "application/vnd.docker.distribution.manifest.list.v2+json",
    manifests: [
      {
        digest: digestOf(MANIFEST),
        size: MANIFEST.byteLength,
        platform: { os: "linux", architecture: "amd64" },
      },
    ],
  }),
  MANIFEST,
  encode({
    schemaVersion: 2,
    mediaType: "application/vnd.docker.distribution.manifest.v2+json",
    layers: [
      {
        mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip",
        digest: digestOf(LAYERS[1]!),
        size: 6,
      },
    ],
  }),
];

/** Values put where a document holds something else. */
const ODD: unknown[] = [
  null,
  0,
  -1,
  1.5,
  2 ** 60,
  "",
  "x".repeat(5000),
  [],
  {},
  [null],
  true,
  "linux",
  "sha256:",
];

interface OciInput {
  /** The document under the pinned digest (base64). */
  doc: string;
  arch: "amd64" | "arm64";
  /** A registry's WWW-Authenticate header, as a 401 would carry it (absent in older saved inputs). */
  challenge?: string;
}

/** Challenges as registries write them. */
const CHALLENGES = [
  'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:acme/x:pull"',
  'Basic realm="x", Bearer realm="https://auth.docker.io/token",service="registry.docker.io"',
  'Bearer realm="https://r.test/a\\"b",service=svc',
];

/** A registry serving `pinned` under its digest, the manifest, and the layers. */
function registry(pinned: Uint8Array): OciDistribution {
  const content = new Map<string, Uint8Array>([[digestOf(MANIFEST), MANIFEST]]);
  for (const layer of LAYERS) content.set(digestOf(layer), layer);
  content.set(digestOf(pinned), pinned);
  return {
    manifest: async (_image, digest) => content.get(digest),
    blob: async (_image, digest, maxBytes) => {
      const bytes = content.get(digest);
      return bytes && bytes.byteLength <= maxBytes ? bytes : undefined;
    },
  };
}

/** What a read document may be, whatever the bytes (throws when it is not). */
function checkDocument(doc: ImageDocument): void {
  if (doc.kind === "invalid") {
    if (typeof doc.problem !== "string" || doc.problem.length === 0 || doc.problem.length > 200)
      throw new Error(`a problem of ${doc.problem.length} characters`);
  } else if (doc.kind === "index") {
    if (doc.pick !== undefined && !/^sha256:[0-9a-f]{64}$/.test(doc.pick))
      throw new Error(`pick ${doc.pick}`);
    if (doc.platforms.length > NAMED_PLATFORMS || doc.morePlatforms < 0)
      throw new Error("unbounded platforms");
    for (const p of doc.platforms)
      if (!/^[\w.-]{1,32}\/[\w.-]{1,32}(\/[\w.-]{1,32})?$/.test(p)) throw new Error(`platform ${p}`);
  } else if (doc.kind === "manifest") {
    if (doc.layers.length === 0 || doc.layers.length > MAX_IMAGE_LAYERS)
      throw new Error(`${doc.layers.length} layers`);
    for (const l of doc.layers)
      if (!/^sha256:[0-9a-f]{64}$/.test(l.digest) || !Number.isSafeInteger(l.size) || l.size < 0)
        throw new Error(`layer ${JSON.stringify(l)}`);
  } else throw new Error(`a document of kind ${(doc as { kind: unknown }).kind}`);
}

/**
 * Container images pulled by digest (core/oci/image.ts through runner/install/pull-image.ts): the
 * document under the pinned digest is whatever the image's publisher made it (mutated by bytes, or
 * with a value put where it does not belong), served under its own digest by a registry that
 * also holds a real manifest and its layers. Contract: the document reads as an index, a manifest
 * or a bounded problem, never an exception; the pull answers or fails with a RunnerError; what it
 * answers hashes to the digests that name it.
 */
export const ociTarget: FuzzTarget<OciInput> = {
  name: "oci",
  description: "readImageDocument and pullImage on mutated image indexes and manifests",
  async arbitrary() {
    const arch = fc.constantFrom("amd64" as const, "arm64" as const);
    const byBytes = fc
      .record({
        seed: fc.nat(SEEDS.length - 1),
        mutations: fc.array(mutationArbitrary, { minLength: 1, maxLength: 6 }),
      })
      .map(({ seed, mutations }) => base64(mutate(SEEDS[seed] as Uint8Array, mutations, 64 * 1024)));
    const byValue = fc
      .record({
        seed: fc.nat(SEEDS.length - 1),
        at: fc.nat(100),
        value: fc.oneof(fc.constantFrom(...ODD), fc.jsonValue({ maxDepth: 2 })),
      })
      .map(({ seed, at, value }) => {
        const doc = JSON.parse(Buffer.from(SEEDS[seed] as Uint8Array).toString("utf8")) as unknown;
        return base64(encode(replaceAt(doc, at, value)));
      });
    // Many entries or layers: bounded lists, bounded messages.
    const many = fc
      .record({
        count: fc.integer({ min: 1, max: 3000 }),
        index: fc.boolean(),
        arch: fc.string({ maxLength: 40 }),
      })
      .map(({ count, index, arch }) =>
        base64(
          encode(
            index
              ? {
                  manifests: Array.from({ length: count }, (_, i) => ({
                    digest: digestOf(MANIFEST),
                    platform: { os: "linux", architecture: `${arch}${i}` },
                  })),
                }
              : {
                  layers: Array.from({ length: count }, () => ({
                    mediaType: GZIP,
                    digest: digestOf(LAYERS[0]!),
                    size: 5,
                  })),
                },
          ),
        ),
      );
    const challenge = fc.oneof(
      fc
        .record({
          seed: fc.nat(CHALLENGES.length - 1),
          mutations: fc.array(mutationArbitrary, { maxLength: 4 }),
        })
        .map(({ seed, mutations }) =>
          Buffer.from(mutate(new TextEncoder().encode(CHALLENGES[seed]), mutations, 4096)).toString("latin1"),
        ),
      fc.string({ maxLength: 200 }),
    );
    return fc.record({
      doc: fc.oneof({ arbitrary: byBytes, weight: 3 }, { arbitrary: byValue, weight: 3 }, many),
      arch,
      challenge,
    });
  },
  async check({ doc, arch, challenge }) {
    const bytes = fromBase64(doc);
    const start = performance.now();
    // The token flow's readers, on the registry's text: an answer or none, never an exception.
    const asked = bearerChallenge(challenge);
    if (asked !== undefined && (asked.realm === "" || (tokenUrl(asked, "acme/image") ?? "").length > 10_000))
      throw new Error("a challenge read to an empty realm or an unbounded URL");
    const token = tokenOf(bytes);
    if (token !== undefined && !/^[\x21-\x7e]{1,8192}$/.test(token))
      throw new Error("a token a header cannot carry");
    const host = { os: "linux", arch, ...(arch === "arm64" ? { variant: "v8" } : {}) };
    checkDocument(readImageDocument(bytes, host));
    const pulled = await runnerOutcome(() =>
      pullImage(registry(bytes), `registry.fuzz.test/acme/image@${digestOf(bytes)}`, host, 1 << 20),
    );
    const ms = performance.now() - start;
    if (pulled.value) {
      const manifest = readImageDocument(pulled.value.manifest, host);
      if (manifest.kind !== "manifest") throw new Error("a pull answered without an image manifest");
      if (manifest.layers.length !== pulled.value.layers.length)
        throw new Error("a layer missing from the pull");
      pulled.value.layers.forEach((layer, i) => {
        if (digestOf(layer) !== manifest.layers[i]?.digest)
          throw new Error(`layer ${i} does not hash to its digest`);
      });
    }
    return { ms };
  },
  encode: (input) => input,
  decode: (saved) => saved as OciInput,
};
