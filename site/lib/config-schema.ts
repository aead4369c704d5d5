/** Reads a manifest's configuration schema (a JSON Schema as a string) into table rows for display. */

export interface ConfigRow {
  name: string;
  type: string;
  required: boolean;
  defaultValue?: string;
  description?: string;
  allowed?: string;
}

export type ConfigSchemaView =
  | { kind: "rows"; rows: ConfigRow[] }
  | { kind: "text"; text: string }
  | { kind: "none" };

const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/** Top-level properties as rows; a schema that is not a JSON object with properties is shown as text. */
export function configSchemaView(
  schema: string | undefined,
  requiredFields: string[] = [],
): ConfigSchemaView {
  if (!schema) return { kind: "none" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(schema);
  } catch {
    return { kind: "text", text: schema };
  }
  const obj = parsed as { properties?: Record<string, Record<string, unknown>>; required?: unknown };
  if (!obj || typeof obj !== "object" || !obj.properties || typeof obj.properties !== "object") {
    return { kind: "text", text: JSON.stringify(parsed, null, 2) };
  }
  const required = new Set([
    ...(Array.isArray(obj.required) ? obj.required.map(String) : []),
    ...requiredFields,
  ]);
  const rows = Object.entries(obj.properties).map(([name, p]): ConfigRow => {
    const row: ConfigRow = {
      name,
      type: Array.isArray(p.type)
        ? p.type.map(String).join(" | ")
        : typeof p.type === "string"
          ? p.type
          : "any",
      required: required.has(name),
    };
    if (p.default !== undefined) row.defaultValue = show(p.default);
    if (typeof p.description === "string") row.description = p.description;
    if (Array.isArray(p.enum)) row.allowed = p.enum.map(show).join(", ");
    else if (typeof p.minimum === "number" || typeof p.maximum === "number") {
      row.allowed = [
        p.minimum !== undefined ? `≥ ${p.minimum}` : "",
        p.maximum !== undefined ? `≤ ${p.maximum}` : "",
      ]
        .filter(Boolean)
        .join(", ");
    }
    return row;
  });
  return { kind: "rows", rows };
}

/** A configuration example or default as shown: pretty-printed when it is JSON, else as written. */
export function prettyConfig(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
