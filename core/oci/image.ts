/**
 * Decisions on container images, pure: how a reference reads, which document an image digest
 * leads to (an index picks the host's platform), which layers a manifest lists, and whether bytes
 * are the ones a digest names. The runner fetches through the OCI port and asks these.
 */
import { createHash } from "node:crypto";
import { isObject } from "../json/is-object.ts";
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

/** At most this many layers are pulled: Docker's own limit (overlayfs stacks at most 128 folders). */
export const MAX_IMAGE_LAYERS = 128;
/** An index's platforms named in a message, at most (the rest are counted). */
export const NAMED_PLATFORMS = 16;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
/** An `os` or `architecture` as registries write them: what a message may repeat of one. */
const PLATFORM_PART = /^[a-z0-9][a-z0-9._-]{0,31}$/i;
/** A media type's shape (RFC 6838): what a message may repeat of a layer's. */
const MEDIA_TYPE = /^[\w.+-]{1,63}\/[\w.+-]{1,127}$/;

export type ImageDocument =
  | {
      kind: "index";
      pick?: string;
      /** The platforms the index names (`os/architecture`), distinct, at most NAMED_PLATFORMS. */
      platforms: string[];
      /** How many other distinct platforms it names. */
      morePlatforms: number;
    }
  | { kind: "manifest"; layers: ImageLayer[] }
  | { kind: "invalid"; problem: string };

const invalid = (problem: string): ImageDocument => ({ kind: "invalid", problem });

/** The host an index is read for: `os` and `arch` as OCI names them, and the CPU variant if any. */
export interface ImagePlatform {
  os: string;
  arch: string;
  /** `v7` for a 32-bit arm host, say (SystemInfo.variant); undefined when none is known. */
  variant?: string;
}

/**
 * The variants of an image that run on `platform`, best first; `undefined` stands for an entry
 * that names none. A 32-bit arm host runs its own variant and older ones (v7 runs v6 and v5; an
 * unknown one only v6, v5 or none). amd64's v2 to v4 need CPU features this runner does not
 * probe, so only an entry without a variant (or `v1`) is taken; arm64 takes `v8` or none.
 */
export function acceptedVariants(platform: ImagePlatform): (string | undefined)[] {
  if (platform.arch === "arm") {
    const level = /^v([5-8])$/.exec(platform.variant ?? "")?.[1];
    const from = level === undefined ? 6 : Number(level);
    return [...Array.from({ length: from - 4 }, (_, i) => `v${from - i}`), undefined];
  }
  if (platform.arch === "amd64") return [undefined, "v1"];
  if (platform.arch === "arm64") return ["v8", undefined];
  return platform.variant === undefined ? [undefined] : [platform.variant, undefined];
}

/**
 * What an image document says: an index names the manifest for `platform` (the entry of its os
 * and architecture whose variant runs best there, `acceptedVariants`); a manifest lists its layers
 * (at most MAX_IMAGE_LAYERS), which must all be gzip tars with a sha256 digest and a size. The
 * bytes come from whoever published the image: any JSON (or none) gives an answer, never an
 * exception, and a problem repeats none of the document's text but short platform names and
 * media types of the usual shape.
 */
export function readImageDocument(bytes: Uint8Array, platform: ImagePlatform): ImageDocument {
  const loaded = loadJson(bytes, { file: "image manifest", maxBytes: 4 << 20 });
  const doc = loaded.value;
  if (!isObject(doc)) {
    const why = loaded.findings[0]?.code;
    return invalid(`the image manifest is not a JSON object${why ? ` (${why})` : ""}`);
  }
  if (doc.manifests !== undefined) return readIndex(doc.manifests, platform);
  return readLayers(doc.layers);
}

function readIndex(entries: unknown, platform: ImagePlatform): ImageDocument {
  if (!Array.isArray(entries)) return invalid("the image index's manifests are not a list");
  const accepted = acceptedVariants(platform);
  const named = new Set<string>();
  let best: { rank: number; index: number; digest: unknown } | undefined;
  for (const [i, entry] of entries.entries()) {
    if (!isObject(entry)) return invalid(`entry ${i} of the image index is not an object`);
    const { os, architecture, variant } = isObject(entry.platform) ? entry.platform : {};
    // An entry without a platform of strings is neither named nor taken.
    if (typeof os !== "string" || typeof architecture !== "string") continue;
    if (variant !== undefined && typeof variant !== "string") continue;
    const parts = [os, architecture, ...(variant === undefined ? [] : [variant])];
    if (parts.every((part) => PLATFORM_PART.test(part)))
      named.add(platformName({ os, arch: architecture, ...(variant === undefined ? {} : { variant }) }));
    if (os !== platform.os || architecture !== platform.arch) continue;
    const rank = accepted.indexOf(variant);
    if (rank >= 0 && (best === undefined || rank < best.rank))
      best = { rank, index: i, digest: entry.digest };
  }
  if (best !== undefined && (typeof best.digest !== "string" || !DIGEST.test(best.digest)))
    return invalid(`entry ${best.index} of the image index (${platformName(platform)}) has no sha256 digest`);
  const platforms = [...named].slice(0, NAMED_PLATFORMS);
  return {
    kind: "index",
    platforms,
    morePlatforms: named.size - platforms.length,
    ...(best !== undefined ? { pick: best.digest as string } : {}),
  };
}

/** `os/arch`, or `os/arch/variant` when the host's variant is known. */
export function platformName(platform: ImagePlatform): string {
  return `${platform.os}/${platform.arch}${platform.variant === undefined ? "" : `/${platform.variant}`}`;
}

function readLayers(listed: unknown): ImageDocument {
  if (!Array.isArray(listed) || listed.length === 0) return invalid("the image manifest lists no layers");
  if (listed.length > MAX_IMAGE_LAYERS)
    return invalid(
      `the image manifest lists ${listed.length} layers: at most ${MAX_IMAGE_LAYERS} are pulled`,
    );
  const layers: ImageLayer[] = [];
  for (const [i, layer] of listed.entries()) {
    if (!isObject(layer)) return invalid(`layer ${i} is not an object`);
    const { mediaType, digest, size } = layer;
    if (typeof mediaType !== "string" || !GZIP_LAYERS.has(mediaType)) {
      const shown =
        typeof mediaType === "string" && MEDIA_TYPE.test(mediaType) ? mediaType : "of no known type";
      return invalid(`layer ${i} is ${shown}, not a gzip tar`);
    }
    if (typeof digest !== "string" || !DIGEST.test(digest)) return invalid(`layer ${i} has no sha256 digest`);
    if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0)
      return invalid(`layer ${i} has no size`);
    layers.push({ digest, size });
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
