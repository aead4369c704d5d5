/**
 * The OCI distribution port: what the runner needs from a container registry, by digest only
 * (never by tag). The adapter (net/oci-distribution.ts) speaks the OCI distribution API over the
 * project's one fetcher; tests hand it a loopback registry.
 */

/** An image pinned by digest: `registry/repository@sha256:<hex>`. */
export interface ImageReference {
  /** host[:port] as written (`docker.io` for short names). */
  registry: string;
  /** The repository path (`library/alpine` for a Docker Hub short name). */
  repository: string;
  /** `sha256:<64 hex>`. */
  digest: string;
}

export interface OciDistribution {
  /** The bytes of the manifest (or index) stored under `digest`; undefined when absent. */
  manifest(image: ImageReference, digest: string): Promise<Uint8Array | undefined>;
  /** The bytes of the blob stored under `digest`, at most `maxBytes`; undefined when absent. */
  blob(image: ImageReference, digest: string, maxBytes: number): Promise<Uint8Array | undefined>;
}

/** A layer the image manifest lists: a gzip-compressed tar, by digest and declared size. */
export interface ImageLayer {
  digest: string;
  size: number;
}
