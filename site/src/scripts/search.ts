/**
 * Home-page search over the compact static index (lib/search-format.ts): fetches the index once,
 * one shard per query word and only the display rows it shows. Filters and sort live in the URL.
 */
import { humanize, LEVEL_TEXT, PROVIDER_TEXT, SIGNATURE_TEXT } from "../../lib/labels.ts";
import {
  type DocRow,
  FIELD_WEIGHT,
  maskHas,
  recordWidth,
  type SearchMeta,
  shardKey,
  tokenize,
} from "../../lib/search-format.ts";
import { cleanText, formatDate } from "../../lib/text.ts";

const PAGE = 20;
const GROUPS = ["provider", "capability", "level", "method", "signature"] as const;
type Group = (typeof GROUPS)[number];

const root = document.documentElement.dataset.base ?? "/";
const form = document.querySelector<HTMLFormElement>("#filters")!;
const searchForm = document.querySelector<HTMLFormElement>("#search")!;
const input = document.querySelector<HTMLInputElement>("#q")!;
const sort = document.querySelector<HTMLSelectElement>("#sort")!;
const list = document.querySelector<HTMLOListElement>("#results")!;
const status = document.querySelector<HTMLElement>("#results-status")!;
const more = document.querySelector<HTMLButtonElement>("#more")!;
const fetched = new Map<string, Promise<unknown>>();

function load<T>(path: string): Promise<T> {
  let p = fetched.get(path);
  if (!p) {
    p = fetch(root + path).then((r) => {
      if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
      return r.json();
    });
    fetched.set(path, p);
  }
  return p as Promise<T>;
}

function selected(): Record<Group, string[]> {
  const data = new FormData(form);
  return Object.fromEntries(GROUPS.map((g) => [g, data.getAll(g).map(String)])) as Record<Group, string[]>;
}

async function scoreQuery(meta: SearchMeta, query: string): Promise<Map<number, number> | null> {
  const tokens = tokenize(query);
  if (tokens.length === 0) return null;
  let scores: Map<number, number> | null = null;
  for (const token of tokens) {
    const key = shardKey(token);
    const own = new Map<number, number>();
    if (meta.shards.includes(key)) {
      const shard = await load<Record<string, string>>(`search/t/${key}.json`);
      for (const term in shard) {
        const exact = term === token;
        if (!exact && !(token.length >= 2 && term.startsWith(token))) continue;
        let id = 0;
        for (const part of shard[term]!.split(".")) {
          const v = Number.parseInt(part, 36);
          id += Math.floor(v / 3);
          const s = FIELD_WEIGHT[(v % 3) as 0 | 1 | 2] * (exact ? 1 : 0.6);
          if (s > (own.get(id) ?? 0)) own.set(id, s);
        }
      }
    }
    const prev: Map<number, number> | null = scores;
    if (prev === null) scores = own;
    else {
      const next = new Map<number, number>();
      for (const [id, s] of own) if (prev.has(id)) next.set(id, prev.get(id)! + s);
      scores = next;
    }
  }
  return scores;
}

interface Result {
  ids: number[];
  counts: Map<string, number>;
}

function filter(
  meta: SearchMeta,
  scores: Map<number, number> | null,
  chosen: Record<Group, string[]>,
  hideDeprecated: boolean,
): Result {
  const w = recordWidth(meta);
  const { pw } = meta;
  const want = {
    provider: chosen.provider.map((v) => meta.providers.indexOf(v)),
    capability: chosen.capability.map((v) => meta.capabilities.indexOf(v)),
    level: chosen.level.map((v) => meta.levels.indexOf(v)),
    method: chosen.method.map((v) => meta.methods.indexOf(v)),
    signature: chosen.signature.map((v) => meta.signatures.indexOf(v)),
  };
  const ids: number[] = [];
  const counts = new Map<string, number>();
  const bump = (k: string) => counts.set(k, (counts.get(k) ?? 0) + 1);
  const candidates = scores ? [...scores.keys()] : Array.from({ length: meta.n }, (_, i) => i);
  for (const id of candidates) {
    const r = meta.records.slice(id * w, id * w + w);
    if (hideDeprecated && r.charAt(pw + 3) === "1") continue;
    const level = Number.parseInt(r.charAt(pw), 36);
    const method = Number.parseInt(r.charAt(pw + 1), 36);
    const sig = Number.parseInt(r.charAt(pw + 2), 36);
    const pass: Record<Group, boolean> = {
      provider: want.provider.length === 0 || want.provider.some((b) => b >= 0 && maskHas(r, 0, b)),
      capability:
        want.capability.length === 0 || want.capability.some((b) => b >= 0 && maskHas(r, pw + 7, b)),
      level: want.level.length === 0 || want.level.includes(level),
      method: want.method.length === 0 || want.method.includes(method),
      signature: want.signature.length === 0 || want.signature.includes(sig),
    };
    const failed = GROUPS.filter((g) => !pass[g]);
    if (failed.length > 1) continue;
    const countIn = (g: Group) => failed.length === 0 || failed[0] === g;
    if (countIn("provider"))
      meta.providers.forEach((p, b) => {
        if (maskHas(r, 0, b)) bump(`provider:${p}`);
      });
    if (countIn("capability"))
      meta.capabilities.forEach((c, b) => {
        if (maskHas(r, pw + 7, b)) bump(`capability:${c}`);
      });
    if (countIn("level")) bump(`level:${meta.levels[level]}`);
    if (countIn("method")) bump(`method:${meta.methods[method]}`);
    if (countIn("signature")) bump(`signature:${meta.signatures[sig]}`);
    if (failed.length === 0) ids.push(id);
  }
  const day = (id: number) => Number.parseInt(meta.records.slice(id * w + pw + 4, id * w + pw + 7), 36);
  const mode = sort.value;
  if (mode === "updated") ids.sort((a, b) => day(b) - day(a) || a - b);
  else if (mode === "relevance" && scores) ids.sort((a, b) => scores.get(b)! - scores.get(a)! || a - b);
  else ids.sort((a, b) => a - b);
  return { ids, counts };
}

const CHECK =
  '<svg aria-hidden="true" viewBox="0 0 16 16" width="12" height="12"><path d="M6.2 11.6 2.6 8l1.2-1.2 2.4 2.4 6-6L13.4 4.4z" fill="currentColor"/></svg>';

function badge(cls: string, text: string, check = false): HTMLElement {
  const span = document.createElement("span");
  span.className = `badge ${cls}`;
  if (check) span.innerHTML = CHECK;
  span.append(text);
  return span;
}

function dateOf(day: number): string {
  return formatDate(new Date(Date.UTC(2000, 0, 1) + day * 86_400_000).toISOString());
}

function item(meta: SearchMeta, id: number, row: DocRow): HTMLLIElement {
  const w = recordWidth(meta);
  const r = meta.records.slice(id * w, id * w + w);
  const { pw } = meta;
  const level = meta.levels[Number.parseInt(r.charAt(pw), 36)] ?? "untrusted";
  const sig = meta.signatures[Number.parseInt(r.charAt(pw + 2), 36)] ?? "none";
  const li = document.createElement("li");
  li.className = "plugin-item";
  const head = document.createElement("div");
  head.className = "plugin-item-head";
  const a = document.createElement("a");
  a.className = "plugin-name";
  a.href = `${root}plugins/${encodeURIComponent(row[0])}/`;
  a.textContent = row[0];
  const version = document.createElement("span");
  version.className = "version";
  version.textContent = `v${row[1]}`;
  const badges = document.createElement("span");
  badges.className = "badges";
  badges.append(
    badge(
      `level-${level}`,
      LEVEL_TEXT[level as keyof typeof LEVEL_TEXT]?.label ?? humanize(level),
      level === "official" || level === "verified",
    ),
    badge(`sig-${sig}`, SIGNATURE_TEXT[sig as keyof typeof SIGNATURE_TEXT] ?? sig),
  );
  if (r.charAt(pw + 3) === "1") badges.append(badge("deprecated", "Deprecated"));
  head.append(a, version, badges);
  const desc = document.createElement("p");
  desc.className = "plugin-desc";
  desc.textContent = cleanText(row[2]);
  const info = document.createElement("p");
  info.className = "plugin-meta";
  const providers = document.createElement("span");
  providers.textContent = meta.providers
    .filter((_, b) => maskHas(r, 0, b))
    .map((p) => PROVIDER_TEXT[p] ?? p)
    .join(" · ");
  const updated = document.createElement("span");
  updated.textContent = `Updated ${dateOf(Number.parseInt(r.slice(pw + 4, pw + 7), 36))}`;
  info.append(providers, updated);
  li.append(head, desc, info);
  return li;
}

let shown = PAGE;
let generation = 0;

async function run(): Promise<void> {
  const mine = ++generation;
  const meta = await load<SearchMeta>("search/index.json");
  const query = input.value.trim();
  const scores = await scoreQuery(meta, query);
  const { ids, counts } = filter(meta, scores, selected(), form.hide_deprecated?.checked === true);
  const visible = ids.slice(0, shown);
  const chunks = [...new Set(visible.map((id) => Math.floor(id / meta.chunk)))];
  const rows = await Promise.all(chunks.map((c) => load<DocRow[]>(`search/d/${c}.json`)));
  if (mine !== generation) return;
  const byChunk = new Map(chunks.map((c, i) => [c, rows[i]!]));
  list.replaceChildren(
    ...visible.map((id) => item(meta, id, byChunk.get(Math.floor(id / meta.chunk))![id % meta.chunk]!)),
  );
  for (const el of form.querySelectorAll<HTMLElement>("[data-count]"))
    el.textContent = String(counts.get(el.dataset.count!) ?? 0);
  const total = ids.length.toLocaleString("en");
  status.textContent = query
    ? `${total} ${ids.length === 1 ? "plugin matches" : "plugins match"} “${query}”`
    : `${total} plugins`;
  if (ids.length === 0) {
    const li = document.createElement("li");
    li.className = "empty";
    li.textContent = "No plugin matches. Try fewer words or clear the filters.";
    list.append(li);
  }
  more.hidden = ids.length <= shown;
  syncUrl();
}

function syncUrl(): void {
  const params = new URLSearchParams(new FormData(form) as unknown as Record<string, string>);
  if (input.value.trim()) params.set("q", input.value.trim());
  if (params.get("sort") === "relevance") params.delete("sort");
  const qs = params.toString();
  history.replaceState(null, "", qs ? `?${qs}` : location.pathname);
}

function restore(): boolean {
  const params = new URLSearchParams(location.search);
  if ([...params.keys()].length === 0) return false;
  input.value = params.get("q") ?? "";
  for (const box of form.querySelectorAll<HTMLInputElement>("input[type=checkbox]")) {
    box.checked = params.getAll(box.name).includes(box.value);
  }
  const s = params.get("sort");
  if (s) sort.value = s;
  return true;
}

let timer: ReturnType<typeof setTimeout> | undefined;
const soon = () => {
  shown = PAGE;
  clearTimeout(timer);
  timer = setTimeout(() => void run(), 120);
};
input.addEventListener("input", soon);
searchForm.addEventListener("submit", (e) => {
  e.preventDefault();
  shown = PAGE;
  void run();
});
form.addEventListener("submit", (e) => e.preventDefault());
form.addEventListener("change", soon);
sort.addEventListener("change", soon);
form.addEventListener("reset", () => setTimeout(soon, 0));
more.addEventListener("click", () => {
  const next = list.children.length;
  shown += PAGE;
  void run().then(() => list.children[next]?.querySelector<HTMLElement>("a")?.focus());
});
// "/" jumps to the search box, as on most registries.
document.addEventListener("keydown", (e) => {
  const target = e.target as HTMLElement | null;
  if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
  if (target?.closest("input, textarea, select, [contenteditable]")) return;
  e.preventDefault();
  input.focus();
});
const panel = document.querySelector<HTMLDetailsElement>("#filters-panel");
if (panel && matchMedia("(max-width: 760px)").matches) panel.open = false;
if (restore()) void run();
else more.hidden = Number(list.dataset.total ?? "0") <= PAGE;
