import { readFile } from "node:fs/promises";
import type { Result } from "../core/findings.types.ts";
import type { RegistrySource } from "../core/registry/source.types.ts";
import type { RegistryConfig } from "../core/registry.types.ts";
import { chooseTrustedRoot, type TrustedRootCandidate } from "../core/signature/choose-trusted-root.ts";
import { publicGoodTrustedRoot, type TrustedRootData } from "../core/signature/trusted-root.ts";
import { tufTrustedRootFetcher } from "./sigstore-tuf.ts";

/**
 * The Sigstore trusted root the gate (and the release Action, checking a release as the gate
 * will) verifies bundles against, loaded only when a bundle needs it, chosen by core's one rule: the
 * `sigstore-trusted-root` input, else the base config's `sigstore_trusted_root` (read from the
 * base commit, never the PR), else Sigstore public good through TUF (cached in `tufCachePath`).
 */
export async function trustedRootFor(
  inputPath: string | undefined,
  config: RegistryConfig | undefined,
  base: RegistrySource,
  tufCachePath: string,
): Promise<Result<TrustedRootData>> {
  const explicit: TrustedRootCandidate | undefined = inputPath
    ? { bytes: await readFile(inputPath), file: inputPath }
    : undefined;
  let registry: TrustedRootCandidate | undefined;
  if (!explicit && config?.sigstore_trusted_root) {
    const bytes = await base.readFile(config.sigstore_trusted_root);
    registry = bytes
      ? { bytes, file: config.sigstore_trusted_root }
      : {
          missing: {
            code: "TRUSTED_ROOT_INVALID",
            severity: "error",
            message: `config.json names sigstore_trusted_root "${config.sigstore_trusted_root}", which does not exist in the base commit.`,
            file: "config.json",
            pointer: "/sigstore_trusted_root",
          },
        };
  }
  return chooseTrustedRoot({ explicit, registry }, () =>
    publicGoodTrustedRoot(tufTrustedRootFetcher({ cachePath: tufCachePath })),
  );
}
