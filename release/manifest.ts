/**
 * The manifest of a release, from the template in the plugin's repository. Pure: the Action reads
 * the template and the artifact, this fills in what only the release knows, and core/ judges the
 * result like any other manifest.
 */

/** What the release knows and the template cannot. */
export interface ReleaseFacts {
  version: string;
  tag: string;
  downloadUrl: string;
  /** sha256 of the artifact's bytes, lower-case hex. */
  checksum: string;
  /** When the release was published (ISO 8601); sets metadata.updated_at. */
  publishedAt?: string;
  /** A keyed signature over the artifact: base64 DER and the PEM public key. */
  keySignature?: { signature: string; publicKey: string };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** `{version}` and `{tag}` in every string of the template. */
function substitute(value: Json, facts: ReleaseFacts): Json {
  if (typeof value === "string")
    return value.replaceAll("{version}", facts.version).replaceAll("{tag}", facts.tag);
  if (Array.isArray(value)) return value.map((v) => substitute(v, facts));
  if (value && typeof value === "object") {
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) out[k] = substitute(v, facts);
    return out;
  }
  return value;
}

function section(manifest: { [key: string]: Json }, key: string): { [key: string]: Json } {
  const current = manifest[key];
  if (current && typeof current === "object" && !Array.isArray(current)) return current;
  const created: { [key: string]: Json } = {};
  manifest[key] = created;
  return created;
}

/**
 * Fills a manifest template (already loaded as JSON) with the release's facts: `{version}` and
 * `{tag}` anywhere in a string; `metadata.version`, `installation.download_url`,
 * `installation.checksum` and `checksum_algorithm` (sha256) always; `metadata.updated_at` (and
 * `created_at` when the template has none) from the release time; `security.signature` and
 * `security.public_key` from a keyed signature, or removed when there is none (a stale
 * signature would fail). Returns the file's text: two-space JSON with a trailing newline.
 */
export function fillTemplate(template: unknown, facts: ReleaseFacts): string {
  if (!template || typeof template !== "object" || Array.isArray(template))
    throw new TypeError("a manifest template is a JSON object");
  const manifest = substitute(template as Json, facts) as { [key: string]: Json };
  const metadata = section(manifest, "metadata");
  metadata.version = facts.version;
  if (facts.publishedAt) {
    const at = facts.publishedAt.replace(/\.\d+Z$/, "Z");
    metadata.updated_at = at;
    if (typeof metadata.created_at !== "string") metadata.created_at = at;
  }
  const installation = section(manifest, "installation");
  installation.download_url = facts.downloadUrl;
  installation.checksum = facts.checksum;
  installation.checksum_algorithm = "sha256";
  if (facts.keySignature) {
    const security = section(manifest, "security");
    security.signature = facts.keySignature.signature;
    security.public_key = facts.keySignature.publicKey;
  } else if (
    manifest.security &&
    typeof manifest.security === "object" &&
    !Array.isArray(manifest.security)
  ) {
    delete manifest.security.signature;
    delete manifest.security.public_key;
  }
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
