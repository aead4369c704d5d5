/** RFC 6901 JSON pointers. */

/** Escapes one reference token: `~` → `~0`, `/` → `~1`. */
export function escapeToken(token: string | number): string {
  return String(token).replaceAll("~", "~0").replaceAll("/", "~1");
}

/** Builds a pointer from path segments: `["a", 0, "b/c"]` → `/a/0/b~1c`. */
export function toPointer(path: readonly (string | number)[]): string {
  return path.map((p) => `/${escapeToken(p)}`).join("");
}

/** Splits a pointer into its unescaped segments: `/a/0/b~1c` → `["a", "0", "b/c"]`. */
export function fromPointer(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((t) => t.replaceAll("~1", "/").replaceAll("~0", "~"));
}
