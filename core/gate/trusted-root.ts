import type { Result } from "../findings.types.ts";
import { readLocalFile } from "../json/local-file.ts";
import type { RegistrySource } from "../registry/source.types.ts";
import type { RegistryConfig } from "../registry.types.ts";
import { chooseTrustedRoot, type TrustedRootCandidate } from "../signature/choose-trusted-root.ts";
import { MAX_TRUSTED_ROOT_BYTES, type TrustedRootData } from "../signature/trusted-root.ts";

/** Sigstore public good's trusted root, as the adapter gets it (TUF through net/, cached). */
export type PublicGoodRoot = () => Promise<Result<TrustedRootData>>;

/**
 * The Sigstore trusted root, loaded only when a bundle needs it, chosen by core's one rule: the
 * `sigstore-trusted-root` input, else the base config's `sigstore_trusted_root` (read from the
 * base commit, never the PR), else Sigstore public good through the adapter's port (TUF); with
 * the base config's `sigstore_additional_trusted_roots` (private instances) trusted besides it.
 */
export async function trustedRootFor(
  inputPath: string | undefined,
  config: RegistryConfig | undefined,
  base: RegistrySource,
  publicGood: PublicGoodRoot,
): Promise<Result<TrustedRootData>> {
  const explicit: TrustedRootCandidate | undefined = inputPath
    ? {
        bytes: await readLocalFile(inputPath, "Sigstore trusted root", MAX_TRUSTED_ROOT_BYTES),
        file: inputPath,
      }
    : undefined;
  const fromBase = async (file: string, pointer: string): Promise<TrustedRootCandidate> => {
    const bytes = await base.readFile(file);
    return bytes
      ? { bytes, file }
      : {
          missing: {
            code: "TRUSTED_ROOT_INVALID",
            severity: "error",
            message: `config.json names the Sigstore trusted root "${file}", which does not exist in the base commit.`,
            file: "config.json",
            pointer,
          },
        };
  };
  const registry =
    !explicit && config?.sigstore_trusted_root
      ? await fromBase(config.sigstore_trusted_root, "/sigstore_trusted_root")
      : undefined;
  const additional = await Promise.all(
    (config?.sigstore_additional_trusted_roots ?? []).map((file, i) =>
      fromBase(file, `/sigstore_additional_trusted_roots/${i}`),
    ),
  );
  return chooseTrustedRoot({ explicit, registry, additional }, publicGood);
}
