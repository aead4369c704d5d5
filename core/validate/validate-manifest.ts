import { append, capPerFile } from "../findings.ts";
import type { Finding, Result } from "../findings.types.ts";
import { loadJson } from "../json/load-json.ts";
import { attachPositions } from "../json/positions.ts";
import type { Manifest } from "../manifest.types.ts";
import type { Entry, RegistryConfig } from "../registry.types.ts";
import { manifestRules } from "../rules/index.ts";
import type { KnownVersion } from "../rules/rule.types.ts";
import { schemaFindings } from "../schema/schema-findings.ts";
import { validators } from "../schema/validators.ts";

/** What a manifest is checked against when it lies in a registry. */
export interface ManifestContext {
  path?: { name: string; version: string };
  config?: RegistryConfig;
  entry?: Entry;
  /** See RuleContext.hasBundle (default false). */
  hasBundle?: boolean | "unknown";
  lookup?: (name: string) => readonly KnownVersion[] | undefined;
  /** See RuleContext.allowLoopbackHttp. */
  allowLoopbackHttp?: boolean;
}

export interface ValidatedManifest extends Result<Manifest> {
  /** The decoded text (absent when it could not be decoded), for positions of later findings. */
  text?: string;
}

/**
 * Validates one manifest file's bytes: safe loading, the JSON Schema, then every semantic rule.
 * Never throws. `value` is set when the manifest passed the schema (it may still have rule
 * findings); findings carry line and column.
 */
export function validateManifest(
  bytes: Uint8Array,
  file: string,
  context: ManifestContext = {},
  options: { maxBytes?: number } = {},
): ValidatedManifest {
  const loaded = loadJson(bytes, { file, ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}) });
  if (loaded.value === undefined) return withText({ findings: loaded.findings }, loaded.text);
  const text = loaded.text as string;
  const validate = validators().manifest;
  if (!validate(loaded.value)) {
    return {
      findings: attachPositions(
        capPerFile(schemaFindings(validate.errors ?? [], file, "MANIFEST_INVALID")),
        text,
      ),
      text,
    };
  }
  const manifest = loaded.value as Manifest;
  const findings: Finding[] = [];
  const ctx = {
    manifest,
    file,
    text,
    plainText: loaded.plain === true,
    hasBundle: context.hasBundle ?? false,
    ...context,
  };
  for (const rule of manifestRules) append(findings, rule(ctx));
  return {
    value: manifest,
    findings: findings.length > 0 ? attachPositions(capPerFile(findings), text) : findings,
    text,
  };
}

function withText(result: ValidatedManifest, text: string | undefined): ValidatedManifest {
  return text === undefined ? result : { ...result, text };
}
