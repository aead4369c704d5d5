import { checksumFormat } from "./checksum-format.ts";
import { configuration } from "./configuration.ts";
import { dependencies } from "./dependencies.ts";
import { downloadRequired } from "./download-required.ts";
import { installScript } from "./install-script.ts";
import { pathMatch } from "./path-match.ts";
import { resources } from "./resources.ts";
import type { Rule } from "./rule.types.ts";
import { signatureRequired } from "./signature-required.ts";
import { specVersion } from "./spec-version.ts";
import { timestamps } from "./timestamps.ts";
import { unsafeText } from "./unsafe-text.ts";
import { urls } from "./urls.ts";

/** Every semantic rule for a manifest, run after it passed the schema (docs/findings.md). */
export const manifestRules: readonly Rule[] = [
  pathMatch,
  checksumFormat,
  downloadRequired,
  urls,
  specVersion,
  resources,
  timestamps,
  configuration,
  signatureRequired,
  unsafeText,
  installScript,
  dependencies,
];
