/**
 * Decisions on container images, pure: how a reference reads, which document an image digest
 * leads to (an index picks the host's platform), which layers a manifest lists, and whether bytes
 * are the ones a digest names. The runner fetches through the OCI port and asks these.
 */
import { createHash } from "node:crypto";
import { loadJson } from "../json/load-json.ts";
import type { ImageLayer, ImageReference } from "./oci.types.ts";

const REFERENCE =
  /^(?:([a-z0-9.-]+(?::[0-9]{1,5})?)\/)?([a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)@(sha256:[0-9a-f]{64})$/;

/** Media types of the documents this runner reads, for the Accept header. */
export const MANIFEST_MEDIA_TYPES = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json",
] as const;

const GZIP_LAYERS = new Set([
  "application/vnd.oci.image.layer.v1.tar+gzip",
  "application/vnd.docker.image.rootfs.diff.tar.gzip",
]);

/**
 * An image reference pinned by digest (`ghcr.io/acme/plugin@sha256:…`), or a sentence saying why
 * not. A first segment with a dot, a port or `localhost` is the registry; otherwise Docker Hub.
 */
export function parseImageReference(text: string): ImageReference | { problem: string } {
  const m = REFERENCE.exec(text);
  if (!m)
    return {
      problem: `"${text}" is not an image reference pinned by digest (registry/repository@sha256:<64 hex>)`,
    };
  const [, first, rest, digest] = m as unknown as [string, string | undefined, string, string];
  const isHost = first !== undefined && (/[.:]/.test(first) || first === "localhost");
  const registry = isHost ? first : "docker.io";
  const path = isHost ? rest : first ? `${first}/${rest}` : rest;
  const repository = registry === "docker.io" && !path.includes("/") ? `library/${path}` : path;
  return { registry, repository, digest };
}

/** Whether `bytes` are what `digest` (`sha256:<hex>`) names. */
export function matchesDigest(bytes: Uint8Array, digest: string): boolean {
  return digest === `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

export type ImageDocument =
  | { kind: "index"; pick?: string; platforms: string[] }
  | { kind: "manifest"; layers: ImageLayer[] }
  | { kind: "invalid"; problem: string };

/**
 * What an image document says: an index names the manifest for `platform` (`linux/amd64`); a
 * manifest lists its layers, which must all be gzip tars with a sha256 digest and a size.
 */
export function readImageDocument(bytes: Uint8Array, platform: { os: string; arch: string }): ImageDocument {
  const loaded = loadJson(bytes, { file: "image manifest", maxBytes: 4 << 20 });
  const doc = loaded.value as
    | {
        mediaType?: string;
        manifests?: { digest?: string; platform?: { os?: string; architecture?: string } }[];
        layers?: { mediaType?: string; digest?: string; size?: number }[];
      }
    | undefined;
  if (!doc || typeof doc !== "object")
    return { kind: "invalid", problem: "the image manifest is not a JSON object" };
  if (Array.isArray(doc.manifests)) {
    const platforms = doc.manifests.map((e) => `${e.platform?.os}/${e.platform?.architecture}`);
    const pick = doc.manifests.find(
      (e) => e.platform?.os === platform.os && e.platform?.architecture === platform.arch,
    )?.digest;
    return {
      kind: "index",
      platforms,
      ...(typeof pick === "string" && /^sha256:[0-9a-f]{64}$/.test(pick) ? { pick } : {}),
    };
  }
  if (!Array.isArray(doc.layers) || doc.layers.length === 0)
    return { kind: "invalid", problem: "the image manifest lists no layers" };
  const layers: ImageLayer[] = [];
  for (const [i, layer] of doc.layers.entries()) {
    if (!GZIP_LAYERS.has(String(layer.mediaType)))
      return { kind: "invalid", problem: `layer ${i} is ${String(layer.mediaType)}, not a gzip tar` };
    if (typeof layer.digest !== "string" || !/^sha256:[0-9a-f]{64}$/.test(layer.digest))
      return { kind: "invalid", problem: `layer ${i} has no sha256 digest` };
    if (!Number.isSafeInteger(layer.size) || (layer.size ?? -1) < 0)
      return { kind: "invalid", problem: `layer ${i} has no size` };
    layers.push({ digest: layer.digest, size: layer.size as number });
  }
  return { kind: "manifest", layers };
}

/**
 * The base URL of a registry's distribution API: https, or plain http for a loopback registry
 * when the user allows loopback http (tests, local mirrors). Docker Hub's API host for docker.io.
 */
export function registryBaseUrl(image: ImageReference, allowLoopbackHttp: boolean): string {
  const host = image.registry === "docker.io" ? "registry-1.docker.io" : image.registry;
  const loopback = /^(localhost|127\.[0-9.]+|\[::1\])(:[0-9]+)?$/.test(host);
  return `${loopback && allowLoopbackHttp ? "http" : "https"}://${host}`;
}
