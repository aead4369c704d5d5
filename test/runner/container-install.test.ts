/**
 * #11 point 3: container installs through the OCI distribution port, against a loopback registry
 * implementing the distribution API: pulled by digest only, every document and layer checked
 * against its digest before anything is extracted.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { acceptedVariants, parseImageReference, readImageDocument } from "../../core/oci/image.ts";
import { isRunnerError } from "../../runner/errors.ts";
import { install } from "../../runner/ops/install.ts";
import { tarGz } from "./helpers/archives.ts";
import { testContext } from "./helpers/context.ts";
import { type OciRegistry, startOciRegistry } from "./helpers/oci-registry.ts";
import { publish } from "./helpers/registry.ts";
import { type StaticServer, startServer } from "./helpers/server.ts";

let server: StaticServer;
let oci: OciRegistry;
/** Registries that ask for pull tokens: one answering them, one whose token endpoint answers nonsense, one naming a realm over plain http elsewhere. */
let tokened: OciRegistry;
let noToken: OciRegistry;
let httpRealm: OciRegistry;
const images = new Map<string, { digest: string; layer: Uint8Array }>();

const layerFor = (name: string) =>
  tarGz([
    { path: `finfocus-plugin-${name}`, data: `#!/bin/sh\necho ${name} from an image\n`, mode: 0o755 },
    { path: "LICENSE", data: "Apache-2.0\n" },
  ]);

/** A plugin whose release is the image `repo@digest` on the loopback registry. */
function containerPlugin(
  name: string,
  platforms: { os: string; architecture: string }[],
  digestOverride?: string,
  registry = oci,
) {
  const layer = layerFor(name);
  const digest = registry.push(`acme/${name}`, [layer], { index: platforms });
  images.set(name, { digest, layer });
  const pinned = digestOverride ?? digest;
  return {
    name,
    versions: [
      {
        version: "1.0.0",
        edit: (m: { installation: Record<string, unknown> }) => {
          m.installation = {
            installation_method: "container",
            download_url: `${registry.host}/acme/${name}@${pinned}`,
            checksum: pinned.slice("sha256:".length),
            checksum_algorithm: "sha256",
          };
        },
      },
    ],
  };
}

/** Runs `body` in a fresh runner context that installs untrusted plugins, removed afterwards. */
async function inContext(
  body: (context: Awaited<ReturnType<typeof testContext>>) => Promise<void>,
  options: { oci?: false } = {},
): Promise<void> {
  const context = await testContext(server.url, { policy: { allow_untrusted: true }, ...options });
  try {
    await body(context);
  } finally {
    await rm(context.tmp, { recursive: true, force: true });
  }
}

before(async () => {
  server = await startServer();
  oci = await startOciRegistry();
  tokened = await startOciRegistry({ bearer: {}, cdnHost: "localhost" });
  noToken = await startOciRegistry({ bearer: { answer: '{"token": "two words"}' } });
  httpRealm = await startOciRegistry({ bearer: { realm: "http://auth.example.test/token" } });
  const amd64 = [{ os: "linux", architecture: "amd64" }];
  publish(server, [
    containerPlugin("boxed", [...amd64, { os: "linux", architecture: "arm64" }]),
    containerPlugin("tampered", amd64),
    containerPlugin("armonly", [{ os: "linux", architecture: "arm64" }]),
    containerPlugin("missing", amd64, `sha256:${"0".repeat(64)}`),
    containerPlugin("tokened", amd64, undefined, tokened),
    containerPlugin("notoken", amd64, undefined, noToken),
    containerPlugin("httprealm", amd64, undefined, httpRealm),
    // Its publisher pinned an index whose first entry is null (what once crashed the pull).
    containerPlugin(
      "hostile",
      amd64,
      oci.store(
        "acme/hostile",
        Buffer.from(
          JSON.stringify({
            schemaVersion: 2,
            mediaType: "application/vnd.oci.image.index.v1+json",
            manifests: [null, { platform: { os: "linux", architecture: "amd64" } }],
          }),
        ),
        "application/vnd.oci.image.index.v1+json",
      ),
    ),
  ]);
  // The registry serves other bytes under the tampered image's layer digest.
  const tampered = images.get("tampered");
  const index = JSON.parse(Buffer.from(oci.content.get(tampered!.digest)!.bytes).toString());
  const manifest = JSON.parse(Buffer.from(oci.content.get(index.manifests[0].digest)!.bytes).toString());
  oci.content.set(manifest.layers[0].digest, { bytes: layerFor("evil"), type: "application/octet-stream" });
});

after(async () => {
  await Promise.all([server.close(), oci.close(), tokened.close(), noToken.close(), httpRealm.close()]);
});

test("an image pinned by digest installs: the index picks linux/amd64, every digest checked, the layer extracted", async () => {
  await inContext(async (context) => {
    const result = await install(context, { plugins: [{ name: "boxed" }] });
    const [plugin] = result.installed;
    assert.equal(plugin?.name, "boxed");
    const binary = join(plugin!.path, "finfocus-plugin-boxed");
    assert.match(await readFile(binary, "utf8"), /boxed from an image/);
    const pulls = oci.requests.filter((r) => r.includes("/acme/boxed/"));
    assert.ok(
      pulls.every((r) => /\/(manifests|blobs)\/sha256:[0-9a-f]{64}$/.test(r)),
      "by digest only",
    );
    assert.equal(
      pulls.filter((r) => r.includes("/manifests/")).length,
      2,
      "the index, then the platform's manifest",
    );
  });
});

test("a registry that asks for a pull token (as ghcr.io and Docker Hub do) gets an anonymous one, sent to it alone", async () => {
  await inContext(async (context) => {
    const result = await install(context, { plugins: [{ name: "tokened" }] });
    assert.match(
      await readFile(join(result.installed[0]!.path, "finfocus-plugin-tokened"), "utf8"),
      /tokened/,
    );
    const asked = tokened.authorizations.filter(([path]) => path === "/token");
    assert.deepEqual(asked, [["/token", ""]], "one token for the repository, asked for without credentials");
    const pulls = tokened.authorizations.filter(([path]) => /\/(manifests|blobs)\//.test(path));
    assert.deepEqual(pulls[0], [pulls[0]![0], ""], "the first pull is anonymous: the 401 names the realm");
    assert.ok(
      pulls.slice(1).every(([, auth]) => auth === "Bearer pull:acme/tokened"),
      "then every manifest and blob request carries the token",
    );
    // Only the first pull went without it: the token is reused for the repository's other pulls.
    assert.equal(pulls.filter(([, auth]) => auth === "").length, 1);
    // Blobs are redirected to another origin (localhost, not 127.0.0.1): the token stays behind.
    const cdn = tokened.authorizations.filter(([path]) => path.startsWith("/cdn/"));
    assert.ok(cdn.length > 0 && cdn.every(([, auth]) => auth === ""), "no token at the CDN");
  });
});

test("a token endpoint that answers no usable token, or a realm over plain http: refused, nothing written", async () => {
  await inContext(async (context) => {
    await assert.rejects(
      install(context, { plugins: [{ name: "notoken" }] }),
      (e) => isRunnerError(e, "DOWNLOAD_FAILED") && /gave no pull token for acme\/notoken/.test(e.message),
    );
    await assert.rejects(install(context, { plugins: [{ name: "httprealm" }] }), (e) =>
      isRunnerError(e, "INSECURE_URL"),
    );
    assert.ok(!existsSync(join(context.pluginDir, "notoken")));
    assert.ok(!existsSync(join(context.pluginDir, "httprealm")));
  });
});

test("a layer whose bytes do not match its digest is refused before anything is written", async () => {
  await inContext(async (context) => {
    await assert.rejects(install(context, { plugins: [{ name: "tampered" }] }), (e) =>
      isRunnerError(e, "CHECKSUM_MISMATCH"),
    );
    assert.ok(!existsSync(join(context.pluginDir, "tampered", "v1.0.0")));
  });
});

test("no image for this platform, or none under the pinned digest: refused with their codes", async () => {
  await inContext(async (context) => {
    await assert.rejects(install(context, { plugins: [{ name: "armonly" }] }), (e) =>
      isRunnerError(e, "IMAGE_INVALID"),
    );
    await assert.rejects(install(context, { plugins: [{ name: "missing" }] }), (e) =>
      isRunnerError(e, "DOWNLOAD_FAILED"),
    );
  });
});

test("an image document its publisher made hostile is refused with IMAGE_INVALID, nothing written", async () => {
  await inContext(async (context) => {
    await assert.rejects(
      install(context, { plugins: [{ name: "hostile" }] }),
      (e) =>
        isRunnerError(e, "IMAGE_INVALID") && /entry 0 of the image index is not an object/.test(e.message),
    );
    assert.ok(!existsSync(join(context.pluginDir, "hostile")));
  });
});

test("without a container registry client, container installs are refused as before", async () => {
  await inContext(
    async (context) => {
      await assert.rejects(install(context, { plugins: [{ name: "boxed" }] }), (e) =>
        isRunnerError(e, "UNSUPPORTED_INSTALLATION_METHOD"),
      );
    },
    { oci: false },
  );
});

test("image references and documents, decided in core", () => {
  const digest = `sha256:${"a".repeat(64)}`;
  assert.deepEqual(parseImageReference(`ghcr.io/acme/x@${digest}`), {
    registry: "ghcr.io",
    repository: "acme/x",
    digest,
  });
  assert.deepEqual(parseImageReference(`alpine@${digest}`), {
    registry: "docker.io",
    repository: "library/alpine",
    digest,
  });
  assert.ok("problem" in parseImageReference("ghcr.io/acme/x:1.0"), "a tag is not a pin");
  const layer = (mediaType: string) =>
    new TextEncoder().encode(JSON.stringify({ layers: [{ mediaType, digest, size: 1 }] }));
  assert.equal(
    readImageDocument(layer("application/vnd.oci.image.layer.v1.tar+gzip"), { os: "linux", arch: "amd64" })
      .kind,
    "manifest",
  );
  assert.equal(
    readImageDocument(layer("application/vnd.oci.image.layer.v1.tar+zstd"), { os: "linux", arch: "amd64" })
      .kind,
    "invalid",
  );
});

test("any bytes read as an image document give an answer, never an exception, and bounded messages", () => {
  const digest = `sha256:${"b".repeat(64)}`;
  const gzip = { mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest, size: 3 };
  const read = (doc: unknown) =>
    readImageDocument(doc instanceof Uint8Array ? doc : new TextEncoder().encode(JSON.stringify(doc)), {
      os: "linux",
      arch: "amd64",
    });
  const problem = (doc: unknown) => {
    const answer = read(doc);
    assert.equal(answer.kind, "invalid", JSON.stringify(doc)?.slice(0, 80));
    return (answer as { problem: string }).problem;
  };
  assert.equal(problem({ manifests: [null] }), "entry 0 of the image index is not an object");
  assert.equal(problem({ manifests: "linux/amd64" }), "the image index's manifests are not a list");
  assert.equal(problem({ layers: [gzip, null] }), "layer 1 is not an object");
  assert.equal(problem({ layers: [{ ...gzip, size: "3" }] }), "layer 0 has no size");
  assert.equal(problem({ layers: [{ ...gzip, digest: "sha256:12" }] }), "layer 0 has no sha256 digest");
  assert.equal(problem(null), "the image manifest is not a JSON object");
  assert.equal(problem(["layers"]), "the image manifest is not a JSON object");
  assert.equal(
    problem(new Uint8Array([0xff, 0x7b])),
    "the image manifest is not a JSON object (JSON_INVALID_UTF8)",
  );
  assert.equal(
    problem({ layers: Array.from({ length: 129 }, () => gzip) }),
    "the image manifest lists 129 layers: at most 128 are pulled",
  );
  assert.equal(read({ layers: Array.from({ length: 128 }, () => gzip) }).kind, "manifest");
  // The document's own text is not repeated, but for short names of the usual shape.
  const planted = `application/x\u001b]8;;https://evil.test\u0007${"x".repeat(5000)}`;
  assert.equal(
    problem({ layers: [{ ...gzip, mediaType: planted }] }),
    "layer 0 is of no known type, not a gzip tar",
  );
  assert.equal(
    problem({ manifests: [{ platform: { os: "linux", architecture: "amd64" }, digest: "latest" }] }),
    "entry 0 of the image index (linux/amd64) has no sha256 digest",
  );
  const many = read({
    manifests: Array.from({ length: 40 }, (_, i) => ({
      digest,
      platform: { os: "linux", architecture: `arch${i}` },
    })),
  });
  assert.equal(many.kind, "index");
  assert.deepEqual(many.kind === "index" && [many.platforms.length, many.morePlatforms, many.pick], [
    16,
    24,
    undefined,
  ]);
  const odd = read({ manifests: [{ digest, platform: { os: "\u001b[31mlinux", architecture: "amd64" } }] });
  assert.deepEqual(odd, { kind: "index", platforms: [], morePlatforms: 0 });
});

test("an index's entry is the one whose variant runs best on the host, never one it may not run", () => {
  const digest = (c: string) => `sha256:${c.repeat(64)}`;
  const index = (...platforms: [string, string, string?, string?][]) =>
    new TextEncoder().encode(
      JSON.stringify({
        manifests: platforms.map(([os, architecture, d, variant]) => ({
          digest: digest(d ?? "0"),
          platform: { os, architecture, ...(variant ? { variant } : {}) },
        })),
      }),
    );
  const pick = (bytes: Uint8Array, platform: { os: string; arch: string; variant?: string }) => {
    const doc = readImageDocument(bytes, platform);
    assert.equal(doc.kind, "index");
    return doc.kind === "index" ? doc.pick : undefined;
  };
  // amd64: v2 to v4 need CPU features not probed; the entry without a variant is taken, wherever it stands.
  const amd64 = index(["linux", "amd64", "3", "v3"], ["linux", "amd64", "1"], ["linux", "arm64", "8", "v8"]);
  assert.equal(pick(amd64, { os: "linux", arch: "amd64" }), digest("1"));
  assert.equal(pick(index(["linux", "amd64", "2", "v2"]), { os: "linux", arch: "amd64" }), undefined);
  assert.equal(pick(amd64, { os: "linux", arch: "arm64", variant: "v8" }), digest("8"));
  // 32-bit arm: the host's own variant first, then older ones; never a newer one.
  const arm = index(["linux", "arm", "6", "v6"], ["linux", "arm", "7", "v7"]);
  assert.equal(pick(arm, { os: "linux", arch: "arm", variant: "v7" }), digest("7"));
  assert.equal(pick(arm, { os: "linux", arch: "arm", variant: "v6" }), digest("6"));
  assert.equal(
    pick(index(["linux", "arm", "7", "v7"]), { os: "linux", arch: "arm", variant: "v6" }),
    undefined,
  );
  assert.equal(
    pick(index(["linux", "arm", "7", "v7"]), { os: "linux", arch: "arm" }),
    undefined,
    "unknown: v6 at most",
  );
  // What the host cannot run is still named, with its variant, in the message.
  const none = readImageDocument(index(["linux", "amd64", "2", "v2"]), { os: "linux", arch: "amd64" });
  assert.deepEqual(none.kind === "index" && none.platforms, ["linux/amd64/v2"]);
  assert.deepEqual(acceptedVariants({ os: "linux", arch: "arm", variant: "v7" }), [
    "v7",
    "v6",
    "v5",
    undefined,
  ]);
});
