import { createPublicKey } from "node:crypto";
import { append, capPerFile } from "../findings.ts";
import type { Finding, Result } from "../findings.types.ts";
import { loadJson } from "../json/load-json.ts";
import { attachPositions } from "../json/positions.ts";
import type { Entry, RegistryConfig } from "../registry.types.ts";
import { entryRules } from "../rules/entry-rules.ts";
import { unsafeTextFindings } from "../rules/unsafe-text.ts";
import { schemaFindings } from "../schema/schema-findings.ts";
import { validators } from "../schema/validators.ts";

/** Validates config.json: schema, then keys and paths that must make sense. */
export function validateRegistryConfig(bytes: Uint8Array, file: string): Result<RegistryConfig> {
  const loaded = loadJson(bytes, { file });
  if (loaded.value === undefined) return { findings: loaded.findings };
  const validate = validators().config;
  if (!validate(loaded.value)) {
    return {
      findings: attachPositions(
        capPerFile(schemaFindings(validate.errors ?? [], file, "CONFIG_INVALID")),
        loaded.text ?? "",
      ),
    };
  }
  return { value: loaded.value as RegistryConfig, findings: [] };
}

/**
 * Validates one plugin's entry.json: schema, name equal to its folder, every key a valid public
 * key, no owner listed twice, and no hidden control characters in what people read.
 */
export function validateEntry(bytes: Uint8Array, file: string, folderName?: string): Result<Entry> {
  const loaded = loadJson(bytes, { file });
  if (loaded.value === undefined) return { findings: loaded.findings };
  const text = loaded.text ?? "";
  const validate = validators().entry;
  if (!validate(loaded.value)) {
    return {
      findings: attachPositions(
        capPerFile(schemaFindings(validate.errors ?? [], file, "ENTRY_INVALID")),
        text,
      ),
    };
  }
  const entry = loaded.value as Entry;
  const findings: Finding[] = [];
  const add = (pointer: string, message: string, code: Finding["code"] = "ENTRY_INVALID"): void => {
    findings.push({ code, severity: "error", message, file, pointer });
  };
  if (folderName !== undefined && entry.name !== folderName) {
    add(
      "/name",
      `name is '${entry.name}' but the folder is plugins/${folderName}/: make them equal`,
      "NAME_MISMATCH",
    );
  }
  const ids = new Set<number>();
  entry.owners.forEach((owner, i) => {
    if (ids.has(owner.github_id)) add(`/owners/${i}/github_id`, `owner ${owner.github_id} is listed twice`);
    ids.add(owner.github_id);
  });
  entry.signers?.keys?.forEach((pem, i) => {
    if (!isPublicKey(pem))
      add(`/signers/keys/${i}`, "not a PEM public key that can be read (SubjectPublicKeyInfo)");
  });
  append(findings, unsafeTextFindings(entry, file));
  for (const rule of entryRules) append(findings, rule({ entry, file }));
  return {
    value: entry,
    findings: findings.length > 0 ? attachPositions(capPerFile(findings), text) : findings,
  };
}

function isPublicKey(pem: string): boolean {
  try {
    createPublicKey(pem);
    return true;
  } catch {
    return false;
  }
}
