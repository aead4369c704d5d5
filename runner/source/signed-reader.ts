/**
 * Reading a registry's documents through its signed index (docs/tuf.md). `openSignedReader` asks
 * core whether TUF applies (published, pinned before, configured or required) and opens the TUF
 * client; the reader's `bytes(url)` then answers only with bytes the signed index vouches for.
 */
import type { DiscoveryDocument } from "../../core/api/api.types.ts";
import type { Credentials, Fetcher } from "../../core/net/fetcher.types.ts";
import { decideTuf, targetPath } from "../../core/tuf/client-policy.ts";
import { RunnerError } from "../errors.ts";
import { documentUrl } from "./document-url.ts";
import type { HttpCache } from "./http-cache.ts";
import { isPinned, openTufSession, type TufSession, type TufSettings } from "./tuf-session.ts";

/** What a registry source needs to read through TUF. */
export interface TufAccess {
  settings: TufSettings;
  fetcher: Fetcher;
  credentials?: Credentials;
}

export interface SignedReader {
  /** The document at `url` (under the registry root); undefined when the signed index has none. */
  bytes(url: string): Promise<Uint8Array | undefined>;
}

/**
 * The document must be a target of the signed index (absent from it: no such document), and its
 * bytes must have the target's length and hash. Cached bytes that match are used without a
 * request; otherwise the document is fetched again, cut at the signed length.
 */
export function signedReader(tuf: TufSession, cache: HttpCache, root: string): SignedReader {
  return {
    async bytes(url) {
      const path = targetPath(url, root);
      if (path === undefined) {
        throw new RunnerError("TUF_VERIFICATION_FAILED", `${url} is outside the registry's signed index`, {
          url,
          reason: "outside-index",
        });
      }
      const target = await tuf.target(path);
      if (!target) return undefined;
      const get = async (age: number) => {
        try {
          return await cache.get(url, age, target.length);
        } catch (error) {
          if (error instanceof RunnerError && error.details.reason === "too large") {
            throw new RunnerError(
              "TUF_VERIFICATION_FAILED",
              `${url} is longer than its signed length (${target.length} bytes)`,
              { url, reason: "endless-data" },
            );
          }
          throw error;
        }
      };
      const cached = await get(Number.POSITIVE_INFINITY);
      if (cached) {
        try {
          await tuf.verify(target, cached, url);
          return cached;
        } catch {}
      }
      const fresh = await get(0);
      if (!fresh) {
        throw new RunnerError("TUF_VERIFICATION_FAILED", `${url} is in the signed index but not served`, {
          url,
          reason: "missing-target",
        });
      }
      await tuf.verify(target, fresh, url);
      return fresh;
    },
  };
}

/**
 * The signed reader of the registry at `root`, or undefined when it is read plainly; throws
 * TUF_REQUIRED when TUF is required and the registry publishes none. `discovery` is the document's
 * first, unverified read: it only says where the metadata is.
 */
/**
 * A registry that answers without a discovery document (the spec's REST paths) names no signed
 * metadata: refused where TUF applies to it: its root is pinned from an earlier read, or one is
 * configured (TUF_VERIFICATION_FAILED: signed documents are no longer served, which is what
 * stripping them would look like), or the policy requires it (TUF_REQUIRED).
 */
export function refuseUnsigned(location: string, root: string, tuf: TufAccess | undefined): void {
  if (!tuf) return;
  const pinned = isPinned(tuf.settings, root);
  const decision = decideTuf({
    pinned,
    configuredRoot: tuf.settings.root !== undefined,
    required: tuf.settings.required === true,
  });
  if (decision.use === "plain") return;
  if (decision.use === "refuse")
    throw new RunnerError("TUF_REQUIRED", `${location}: ${decision.reason}`, { location });
  throw new RunnerError(
    "TUF_VERIFICATION_FAILED",
    `${location} serves no discovery document and so no signed metadata, though ${pinned ? "its TUF root is pinned from an earlier read" : "a TUF root is configured for it"}: its documents are not read unsigned`,
    { location, reason: "unsigned-registry" },
  );
}

export async function openSignedReader(options: {
  root: string;
  location: string;
  discovery: DiscoveryDocument;
  cache: HttpCache;
  tuf: TufAccess | undefined;
}): Promise<SignedReader | undefined> {
  const { tuf, root, discovery } = options;
  if (!tuf) return undefined;
  const decision = decideTuf({
    ...(discovery.tuf ? { metadata: discovery.tuf.metadata } : {}),
    pinned: isPinned(tuf.settings, root),
    configuredRoot: tuf.settings.root !== undefined,
    required: tuf.settings.required === true,
  });
  if (decision.use === "refuse") {
    throw new RunnerError("TUF_REQUIRED", `${options.location}: ${decision.reason}`, {
      location: options.location,
    });
  }
  if (decision.use === "plain") return undefined;
  const folder = decision.metadata.endsWith("/") ? decision.metadata : `${decision.metadata}/`;
  const session = await openTufSession({
    registryRoot: root,
    metadataUrl: documentUrl(folder, root, options.location, "tuf.metadata"),
    settings: tuf.settings,
    fetcher: tuf.fetcher,
    ...(tuf.credentials ? { credentials: tuf.credentials } : {}),
  });
  return signedReader(session, options.cache, root);
}
