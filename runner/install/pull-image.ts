import { type ByDigest, fetchByDigest, pinnedDocument as pinned } from "../../core/oci/by-digest.ts";
import { parseImageReference, platformName, readImageDocument } from "../../core/oci/image.ts";
import type { ImageReference, OciDistribution } from "../../core/oci/oci.types.ts";
import type { SystemInfo } from "../../core/policy/system.ts";
import { fromFetchError, RunnerError } from "../errors.ts";

/** A container image pulled by digest, every byte checked against the digest that names it. */
export interface PulledImage {
  image: ImageReference;
  /** The bytes the pinned digest names (an index or an image manifest): the release's artifact. */
  pinned: Uint8Array;
  /** The image manifest's bytes (the pinned document, or the index's entry for this platform). */
  manifest: Uint8Array;
  /** The layers' bytes (gzip tars), in order, each matching its digest in `manifest`. */
  layers: Uint8Array[];
}

/**
 * Only the document the pinned digest names, checked against it: what a container engine's pull
 * is verified by (the checksum and signatures), before the engine pulls the image itself.
 */
export async function pinnedDocument(oci: OciDistribution, reference: string): Promise<Uint8Array> {
  return bytesOrThrow(await pinned(oci, reference));
}

/** The bytes, or the refusal as the runner's error (a fetch error keeps its code and details). */
function bytesOrThrow(got: ByDigest): Uint8Array {
  if (got.ok) return got.bytes;
  if (got.cause) throw fromFetchError(got.cause);
  throw new RunnerError(got.code, got.message, got.details);
}

/**
 * Pulls the image a manifest's `download_url` pins (`registry/repository@sha256:…`) through the OCI
 * port: the document under the pinned digest must hash to it (an index then names the host's
 * platform's manifest, which must hash to that digest), and every layer must hash to the digest
 * the verified manifest lists, within the download cap, before anything is written.
 */
export async function pullImage(
  oci: OciDistribution,
  reference: string,
  system: Pick<SystemInfo, "os" | "arch" | "variant">,
  maxBytes: number,
): Promise<PulledImage> {
  const image = parseImageReference(reference);
  if ("problem" in image) throw new RunnerError("IMAGE_DIGEST_REQUIRED", image.problem, { reference });
  const fetchChecked = async (kind: "manifest" | "blob", digest: string, size = maxBytes) =>
    bytesOrThrow(await fetchByDigest(oci, image, reference, kind, digest, size));
  const first = await fetchChecked("manifest", image.digest);
  let manifest = first;
  let doc = readImageDocument(manifest, system);
  if (doc.kind === "index") {
    if (!doc.pick) {
      throw new RunnerError(
        "IMAGE_INVALID",
        `${reference} has no image for ${platformName(system)} (${platformsNamed(doc)})`,
        {
          reference,
        },
      );
    }
    manifest = await fetchChecked("manifest", doc.pick);
    doc = readImageDocument(manifest, system);
  }
  if (doc.kind !== "manifest") {
    const problem = doc.kind === "invalid" ? doc.problem : "an index names another index";
    throw new RunnerError("IMAGE_INVALID", `${reference}: ${problem}`, { reference });
  }
  const total = doc.layers.reduce((sum, l) => sum + l.size, 0);
  if (total > maxBytes) {
    throw new RunnerError(
      "IMAGE_INVALID",
      `${reference}: its layers (${total} bytes) pass the download cap (${maxBytes})`,
      {
        reference,
      },
    );
  }
  const layers: Uint8Array[] = [];
  for (const layer of doc.layers) layers.push(await fetchChecked("blob", layer.digest, layer.size));
  return { image, pinned: first, manifest, layers };
}

/** The platforms an index names, as a message says them (a bounded list). */
function platformsNamed(doc: { platforms: string[]; morePlatforms: number }): string {
  if (doc.platforms.length === 0) return "it names no platform";
  const more = doc.morePlatforms > 0 ? ` and ${doc.morePlatforms} more` : "";
  return `it has ${doc.platforms.join(", ")}${more}`;
}
