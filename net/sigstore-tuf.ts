import { TrustedRoot } from "@sigstore/protobuf-specs";
import { getTrustedRoot } from "@sigstore/tuf";
import type { TrustedRootFetcher } from "../core/signature/trusted-root.ts";

export interface TufOptions {
  /** Where TUF metadata is cached (e.g. ~/.finfocus/sigstore-tuf); injected, never a global default. */
  cachePath: string;
  /** Per-request timeout; short, because the shipped root is a good fallback. */
  timeoutMs?: number;
  /** TUF mirror; default Sigstore public good. */
  mirrorURL?: string;
}

/**
 * The network port behind `publicGoodTrustedRoot`: fetches `trusted_root.json` through TUF
 * (verifying the TUF metadata chain from the root shipped in @sigstore/tuf) with one attempt and a
 * short timeout, and returns it as JSON so core validates it like any other trusted root.
 */
export function tufTrustedRootFetcher(options: TufOptions): TrustedRootFetcher {
  return async () => {
    const root = await getTrustedRoot({
      cachePath: options.cachePath,
      timeout: options.timeoutMs ?? 4000,
      retry: { retries: 0 },
      ...(options.mirrorURL ? { mirrorURL: options.mirrorURL } : {}),
    });
    return TrustedRoot.toJSON(root);
  };
}
