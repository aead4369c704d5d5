import { readFile } from "node:fs/promises";
import type { Result } from "../core/findings.types.ts";
import { loadJson } from "../core/json/load-json.ts";
import type { RegistrySource } from "../core/registry/source.types.ts";
import type { RegistryConfig } from "../core/registry.types.ts";
import {
  parseTrustedRoot,
  publicGoodTrustedRoot,
  type TrustedRootData,
} from "../core/signature/trusted-root.ts";
import { tufTrustedRootFetcher } from "../core/signature/trusted-root-tuf.ts";

const MAX_ROOT_BYTES = 4 * 1024 * 1024;

function parse(bytes: Uint8Array, file: string): Result<TrustedRootData> {
  const loaded = loadJson(bytes, { file, maxBytes: MAX_ROOT_BYTES });
  if (loaded.value === undefined) return { findings: loaded.findings };
  return parseTrustedRoot(loaded.value, file);
}

/**
 * The trusted root the registry's gate will verify the bundle against, in the gate's order: the
 * `sigstore-trusted-root` input, else the registry config's `sigstore_trusted_root` (read from the
 * registry's base commit), else Sigstore public-good through TUF.
 */
export async function trustedRootFor(
  inputPath: string | undefined,
  config: RegistryConfig | undefined,
  base: RegistrySource,
  tufCachePath: string,
): Promise<Result<TrustedRootData>> {
  if (inputPath) return parse(new Uint8Array(await readFile(inputPath)), inputPath);
  if (config?.sigstore_trusted_root) {
    const bytes = await base.readFile(config.sigstore_trusted_root);
    if (bytes) return parse(bytes, config.sigstore_trusted_root);
    return {
      findings: [
        {
          code: "TRUSTED_ROOT_INVALID",
          severity: "error",
          message: `The registry's config.json names sigstore_trusted_root "${config.sigstore_trusted_root}", which the registry does not have.`,
          file: "config.json",
          pointer: "/sigstore_trusted_root",
        },
      ],
    };
  }
  return publicGoodTrustedRoot(tufTrustedRootFetcher({ cachePath: tufCachePath }));
}
