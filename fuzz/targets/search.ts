import fc from "fast-check";
import { type Searchable, searchable, searchIndexes } from "../../core/text/search-filter.ts";
import type { FuzzTarget } from "../target.types.ts";

interface SearchInput {
  filter: string;
  names: string[];
  texts: string[];
}

/** The spec's glob, by its plain recursive definition: exponential, so only for short patterns. */
function reference(p: string, t: string): boolean {
  if (p === "") return t === "";
  if (p[0] === "*") return reference(p.slice(1), t) || (t !== "" && reference(p, t.slice(1)));
  return t !== "" && (p[0] === "?" || p[0] === t[0]) && reference(p.slice(1), t.slice(1));
}

const NAME_CHARS = "abc-09";
const name = fc.string({ unit: fc.constantFrom(...NAME_CHARS), minLength: 1, maxLength: 50 });

/**
 * Search filters as clients send them (the CLI's `search`, DiscoverPlugins, ListInstalledPlugins):
 * short globs over the names' characters, backtracking bait (`a*a*a*…b`), huge runs of `*` and
 * `?`, any text (NUL and astral characters included).
 */
const filter = fc.oneof(
  fc.string({ unit: fc.constantFrom(...`${NAME_CHARS}*?`), maxLength: 12 }),
  fc
    .tuple(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom("b", "c", "?", ""))
    .map(([n, end]) => `${"a*".repeat(n)}${end}`),
  fc
    .tuple(fc.constantFrom("*", "?", "*?"), fc.integer({ min: 1, max: 200_000 }))
    .map(([s, n]) => s.repeat(n)),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
);

/**
 * The search filter (core/text/search-filter.ts), over plugin names up to the schema's 50
 * characters. Contract: positions in order and in range; the glob's answers are the definition's
 * (checked for short patterns); plain text is a case-insensitive substring of the name or a text;
 * bounded time whatever the filter (no backtracking, a pattern's length does not multiply the work).
 */
export const searchTarget: FuzzTarget<SearchInput> = {
  name: "search",
  description: "filterMatcher/searchIndexes on hostile filters over plugin names",
  async arbitrary() {
    return fc.record({
      filter,
      names: fc.array(fc.oneof(name, fc.constant("a".repeat(49) + "c")), { minLength: 1, maxLength: 200 }),
      texts: fc.array(fc.string({ maxLength: 30 }), { maxLength: 3 }),
    });
  },
  async check({ filter, names, texts }) {
    const plugins: Searchable[] = names.map((n) => searchable(n, texts));
    const start = performance.now();
    const found = searchIndexes(plugins, filter);
    const ms = performance.now() - start;
    for (let i = 1; i < found.length; i++) {
      if (!((found[i] as number) > (found[i - 1] as number))) throw new Error("positions out of order");
    }
    if (found.some((i) => i < 0 || i >= plugins.length)) throw new Error("a position out of range");
    const needle = filter.trim().toLowerCase().replaceAll("\0", "");
    const glob = /[*?]/.test(needle);
    if (!glob || needle.length <= 12) {
      const expected = plugins.flatMap((p, i) => {
        const hit =
          needle === "" ||
          (glob ? reference(needle, p.name) : p.name.includes(needle) || p.texts.includes(needle));
        return hit ? [i] : [];
      });
      if (JSON.stringify(expected) !== JSON.stringify(found)) {
        throw new Error(`found ${JSON.stringify(found)}, the definition says ${JSON.stringify(expected)}`);
      }
    }
    return { ms };
  },
  encode: (input) => input,
  decode: (saved) => saved as SearchInput,
};
