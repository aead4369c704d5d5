import { readFile } from "node:fs/promises";
import type { Finding } from "../core/findings.types.ts";
import type { RegistryConfig } from "../core/registry.types.ts";
import { loadTrustedRoot } from "./core-bridge.ts";
import type { GitRegistrySource as RegistrySource } from "./registry-git.ts";

/**
 * The Sigstore trusted root, loaded only when a bundle needs it: the `sigstore-trusted-root`
 * input, else the base config's `sigstore_trusted_root` (read from the base commit, never the
 * PR), else Sigstore public-good.
 */
export async function trustedRootFor(
  inputPath: string | undefined,
  config: RegistryConfig | undefined,
  base: RegistrySource,
): Promise<{ value?: unknown; findings: Finding[] }> {
  if (inputPath) {
    const text = await readFile(inputPath, "utf8");
    return loadTrustedRoot(JSON.parse(text), inputPath);
  }
  if (config?.sigstore_trusted_root) {
    const bytes = await base.readFile(config.sigstore_trusted_root);
    if (bytes)
      return loadTrustedRoot(JSON.parse(new TextDecoder().decode(bytes)), config.sigstore_trusted_root);
  }
  return loadTrustedRoot(undefined, "public-good");
}
