/**
 * The runner's seam to core's safe JSON loading, wrapped into the runner's error type.
 */
import { loadJson } from "../core/json/load-json.ts";
import { RunnerError } from "./errors.ts";

/**
 * Parses JSON that came from the network or a discovery source with core's loader (size and
 * depth caps, fatal UTF-8, duplicate and prototype keys refused). Throws REGISTRY_DOCUMENT_INVALID
 * naming where it came from and the findings.
 */
export function parseUntrustedJson(bytes: Uint8Array, where: string, maxBytes = 8 * 1024 * 1024): unknown {
  const loaded = loadJson(bytes, { file: where, maxBytes });
  if (loaded.findings.length > 0 || loaded.value === undefined) {
    throw new RunnerError(
      "REGISTRY_DOCUMENT_INVALID",
      `${where}: ${loaded.findings.map((f) => `${f.code} ${f.pointer} ${f.message}`).join("; ")}`,
      { location: where, findings: loaded.findings },
    );
  }
  return loaded.value;
}
