/** Builds the compact search index (lib/search-format.ts) from the plugin summaries. */
import type { PluginSummary } from "../../core/api/api.types.ts";
import {
  DOC_CHUNK,
  type DocRow,
  dayNumber,
  encodeMask,
  maskWidth,
  SEARCH_FORMAT,
  type SearchMeta,
  shardKey,
  tokenize,
} from "./search-format.ts";

export interface SearchFile {
  path: string;
  text: string;
}

const DESCRIPTION_CHARS = 200;

function dictionary(values: Iterable<string>, preferred: readonly string[] = []): string[] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const rest = [...counts.keys()].filter((v) => !preferred.includes(v));
  rest.sort((a, b) => counts.get(b)! - counts.get(a)! || (a < b ? -1 : 1));
  return [...preferred.filter((v) => counts.has(v)), ...rest];
}

/** The files of the search index for these plugins (sorted by name inside). */
export function buildSearchIndex(plugins: readonly PluginSummary[]): SearchFile[] {
  const docs = [...plugins].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const providers = dictionary(
    docs.flatMap((d) => d.providers),
    ["aws", "azure", "gcp", "kubernetes", "custom"],
  );
  const capabilities = dictionary(docs.flatMap((d) => d.capabilities));
  const levels = dictionary(
    docs.map((d) => d.security_level),
    ["official", "verified", "community", "untrusted"],
  );
  const methods = dictionary(
    docs.map((d) => d.installation_method),
    ["binary", "container", "package", "script"],
  );
  const signatures = dictionary(
    docs.map((d) => d.signature_kind),
    ["sigstore", "key", "none"],
  );
  for (const dict of [levels, methods, signatures]) {
    if (dict.length > 36) throw new RangeError("search index: more than 36 distinct facet values");
  }
  const pw = maskWidth(providers.length);
  const cw = maskWidth(capabilities.length);
  const records: string[] = [];
  // term → (id → best field)
  const postings = new Map<string, Map<number, number>>();
  const add = (term: string, id: number, field: number) => {
    let list = postings.get(term);
    if (!list) {
      list = new Map();
      postings.set(term, list);
    }
    const prev = list.get(id);
    if (prev === undefined || field < prev) list.set(id, field);
  };
  docs.forEach((d, id) => {
    records.push(
      encodeMask(
        d.providers.map((p) => providers.indexOf(p)),
        pw,
      ) +
        levels.indexOf(d.security_level).toString(36) +
        methods.indexOf(d.installation_method).toString(36) +
        signatures.indexOf(d.signature_kind).toString(36) +
        (d.deprecated ? "1" : "0") +
        dayNumber(d.updated_at).toString(36).padStart(3, "0") +
        encodeMask(
          d.capabilities.map((c) => capabilities.indexOf(c)),
          cw,
        ),
    );
    for (const t of tokenize(d.name)) add(t, id, 0);
    for (const t of tokenize(
      [...d.keywords, ...d.providers, ...d.capabilities, ...d.resource_types].join(" "),
    ))
      add(t, id, 1);
    for (const t of tokenize(`${d.description} ${d.author}`)) add(t, id, 2);
  });
  const shards = new Map<string, Record<string, string>>();
  for (const term of [...postings.keys()].sort()) {
    const key = shardKey(term);
    let shard = shards.get(key);
    if (!shard) {
      shard = {};
      shards.set(key, shard);
    }
    let last = 0;
    const ids = [...postings.get(term)!.entries()].sort((a, b) => a[0] - b[0]);
    shard[term] = ids
      .map(([id, field]) => {
        const v = ((id - last) * 3 + field).toString(36);
        last = id;
        return v;
      })
      .join(".");
  }
  const meta: SearchMeta = {
    v: SEARCH_FORMAT,
    n: docs.length,
    chunk: DOC_CHUNK,
    providers,
    capabilities,
    levels,
    methods,
    signatures,
    pw,
    cw,
    shards: [...shards.keys()].sort(),
    records: records.join(""),
  };
  const files: SearchFile[] = [{ path: "search/index.json", text: JSON.stringify(meta) }];
  for (const [key, shard] of shards)
    files.push({ path: `search/t/${key}.json`, text: JSON.stringify(shard) });
  for (let start = 0; start < docs.length; start += DOC_CHUNK) {
    const rows: DocRow[] = docs.slice(start, start + DOC_CHUNK).map((d) => {
      const description =
        d.description.length > DESCRIPTION_CHARS
          ? `${d.description.slice(0, DESCRIPTION_CHARS - 1)}…`
          : d.description;
      return [d.name, d.latest_version, description];
    });
    files.push({ path: `search/d/${start / DOC_CHUNK}.json`, text: JSON.stringify(rows) });
  }
  return files;
}
