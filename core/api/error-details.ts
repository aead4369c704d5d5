/**
 * The specification's error details beside the project's own: `plugin_name` (from `name`),
 * `requested_version` (from `version`, else the `constraint` asked for) and `available_versions`
 * (already the spec's key). Every error document (the CLI's `--format json`, `serve`'s 404s)
 * passes through here, so clients written to the spec find their keys and ours keep working.
 */
export function specErrorDetails(details: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...details };
  if (typeof details.name === "string" && out.plugin_name === undefined) out.plugin_name = details.name;
  const requested = details.version ?? details.constraint;
  if (typeof requested === "string" && out.requested_version === undefined) out.requested_version = requested;
  return out;
}
