import type { FuzzTarget } from "../target.types.ts";
import { archiveTarget } from "./archive.ts";
import { buildCachesTarget } from "./build-caches.ts";
import { cliTarget } from "./cli.ts";
import { daemonTarget } from "./daemon.ts";
import { manifestTarget } from "./manifest.ts";
import { ociTarget } from "./oci.ts";
import { registryApiTarget } from "./registry-api.ts";
import { registryDocumentsTarget } from "./registry-documents.ts";
import { searchTarget } from "./search.ts";
import { signatureTarget } from "./signature.ts";

/** Every fuzz target, by name (`npm run fuzz -- --target <name>`). */
export const targets: Record<string, FuzzTarget<never>> = {
  manifest: manifestTarget as FuzzTarget<never>,
  archive: archiveTarget as FuzzTarget<never>,
  api: registryApiTarget as FuzzTarget<never>,
  signature: signatureTarget as FuzzTarget<never>,
  search: searchTarget as FuzzTarget<never>,
  oci: ociTarget as FuzzTarget<never>,
  documents: registryDocumentsTarget as FuzzTarget<never>,
  daemon: daemonTarget as FuzzTarget<never>,
  cli: cliTarget as FuzzTarget<never>,
  caches: buildCachesTarget as FuzzTarget<never>,
};
