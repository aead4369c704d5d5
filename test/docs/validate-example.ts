/**
 * Judges one JSON example with the project's own core, as if it were the registry file it shows:
 * a manifest (it has `metadata`), an entry.json (`owners`), a config.json (`maintainers`), or a
 * discovery config (`registry_config`). Any other JSON must parse. Returns the problems, each
 * naming the example's file and line, the pointer and the finding's code.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Finding } from "../../core/findings.types.ts";
import type { RegistryConfig } from "../../core/registry.types.ts";
import { validateEntry, validateRegistryConfig } from "../../core/validate/validate-documents.ts";
import { validateManifest } from "../../core/validate/validate-manifest.ts";
import { fillTemplate } from "../../release/manifest.ts";
import { loadDiscoveryConfig } from "../../runner/config/load-config.ts";
import type { Example } from "./examples.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** The bundled registry's config: the spec version an example manifest must support. */
const registryConfig = JSON.parse(readFileSync(join(root, "registry/config.json"), "utf8")) as RegistryConfig;

export type Kind = "manifest" | "entry" | "config" | "discovery-config" | "other";

/** What registry file a JSON value shows. */
export function kindOf(value: unknown): Kind {
  if (!value || typeof value !== "object" || Array.isArray(value)) return "other";
  if ("metadata" in value) return "manifest";
  if ("owners" in value) return "entry";
  if ("maintainers" in value) return "config";
  if ("registry_config" in value) return "discovery-config";
  return "other";
}

function render(example: Example, kind: Kind, findings: readonly Finding[]): string[] {
  return findings
    .filter((f) => f.severity === "error")
    .map((f) => {
      const what = `${kind} example: ${f.code} at ${f.pointer || "/"}: ${f.message}`;
      // Markdown shows the text as written; a page renders it, so its lines are the rendering's.
      if (example.file.endsWith(".astro"))
        return `${example.file}:${example.line}: ${what} (line ${f.line ?? 1} as rendered)`;
      return `${example.file}:${f.line === undefined ? example.line : example.line + f.line - 1}: ${what}`;
    });
}

/** The problems of one JSON example (empty when it is valid). */
export async function jsonProblems(example: Example): Promise<string[]> {
  let value: unknown;
  try {
    value = JSON.parse(example.text);
  } catch (error) {
    return [
      `${example.file}:${example.line}: a JSON example must be a whole JSON document: ${(error as Error).message}`,
    ];
  }
  if (example.info?.split(/\s+/).includes("manifest-template")) {
    // As the release Action fills it for a release v1.0.0 (the facts are examples too).
    const filled = fillTemplate(value, {
      version: "1.0.0",
      tag: "v1.0.0",
      downloadUrl: "https://github.com/acme/finfocus-plugin-example/releases/download/v1.0.0/plugin.tar.gz",
      checksum: "0".repeat(64),
      publishedAt: "2026-01-01T00:00:00Z",
    });
    // Keyless by default: the bundle lies beside the manifest.
    return jsonProblems({ ...example, text: filled, info: "filled" });
  }
  const bytes = new TextEncoder().encode(example.text);
  const kind = kindOf(value);
  if (kind === "manifest") {
    const meta = (value as { metadata?: { name?: unknown; version?: unknown } }).metadata;
    const name = typeof meta?.name === "string" ? meta.name : "example";
    const version = typeof meta?.version === "string" ? meta.version : "0.0.0";
    const file = `plugins/${name}/versions/${version}.json`;
    const hasBundle = example.info === "filled";
    const result = validateManifest(bytes, file, {
      path: { name, version },
      config: registryConfig,
      hasBundle,
    });
    return render(example, kind, result.findings);
  }
  if (kind === "entry") {
    const name = (value as { name?: unknown }).name;
    return render(
      example,
      kind,
      validateEntry(bytes, "entry.json", typeof name === "string" ? name : undefined).findings,
    );
  }
  if (kind === "config") return render(example, kind, validateRegistryConfig(bytes, "config.json").findings);
  if (kind === "discovery-config") {
    const dir = mkdtempSync(join(tmpdir(), "docs-config-"));
    try {
      writeFileSync(join(dir, "config.json"), bytes);
      // The variables an example names (`${GITHUB_TOKEN}`) are set, as a user running it would.
      const names = new TextDecoder().decode(bytes).matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g);
      const env = Object.fromEntries([...names].map((m) => [m[1], "set-for-the-example"]));
      await loadDiscoveryConfig(join(dir, "config.json"), env);
      return [];
    } catch (error) {
      return [`${example.file}:${example.line}: discovery config example: ${(error as Error).message}`];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return [];
}
