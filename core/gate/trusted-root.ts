import { readFile } from "node:fs/promises";
import type { Result } from "../findings.types.ts";
import type { RegistrySource } from "../registry/source.types.ts";
import type { RegistryConfig } from "../registry.types.ts";
import { chooseTrustedRoot, type TrustedRootCandidate } from "../signature/choose-trusted-root.ts";
import type { TrustedRootData } from "../signature/trusted-root.ts";

/** Sigstore public good's trusted root, as the adapter gets it (TUF through net/, cached). */
export type PublicGoodRoot = () => Promise<Result<TrustedRootData>>;

/**
 * The Sigstore trusted root, loaded only when a bundle needs it, chosen by core's one rule: the
 * `sigstore-trusted-root` input, else the base config's `sigstore_trusted_root` (read from the
 * base commit, never the PR), else Sigstore public good through the adapter's port (TUF).
 */
export async function trustedRootFor(
  inputPath: string | undefined,
  config: RegistryConfig | undefined,
  base: RegistrySource,
  publicGood: PublicGoodRoot,
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
  return chooseTrustedRoot({ explicit, registry }, publicGood);
}
