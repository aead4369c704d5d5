/// <reference lib="dom" />
/**
 * `npm run bench:site`: builds the site for 1,000 and 10,000 synthetic plugins and, in the same run,
 * a bare Astro project rendering the same number of trivial pages (the floor). Each build runs in
 * its own child process so peak memory (max RSS) is its own. Prints time, ratio to the floor, peak
 * memory and the search bytes one query transfers, then builds again after one plugin changed (a
 * partial build: that plugin's pages and the pages that list plugins). Targets: ratio ≤ 1.5,
 * memory < 2 GB, query < 300 KB.
 *
 *   node bench/site.ts [sizes…]        e.g. node bench/site.ts 1000
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { PluginDocument, PluginSummary, SignatureKind, VersionSummary } from "../core/api/api.types.ts";
import type { Manifest, Provider, SecurityLevel } from "../core/manifest.types.ts";
import { CHROMIUM_ARGS, ensureChromium } from "../scripts/ensure-chromium.ts";
import { pageCount } from "../site/lib/model.ts";
import type { SiteModel } from "../site/lib/model.types.ts";
import { type SearchMeta, shardKey, tokenize } from "../site/lib/search-format.ts";
import { serveStatic } from "../test/site/serve.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const WORK = join(ROOT, "node_modules", ".cache", "finfocus-bench-site");

/** A deterministic PRNG (mulberry32) so every run renders the same registry. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  "cost billing spend usage forecast budget allocation pricing savings reserved spot instance cluster storage " +
  "network egress database cache queue function container registry tags labels project account region anomaly " +
  "report export import metrics carbon rightsizing commitment discount invoice chargeback showback"
).split(" ");
const PROVIDERS: Provider[] = ["aws", "azure", "gcp", "kubernetes", "custom"];
const CAPS = [
  "actual_cost",
  "projected_cost",
  "recommendations",
  "allocation",
  "budgets",
  "anomalies",
  "carbon",
];
const LEVELS: SecurityLevel[] = ["community", "community", "verified", "official", "untrusted"];
const METHODS = ["binary", "container", "package", "script"] as const;
const SIGS: SignatureKind[] = ["none", "key", "sigstore"];
const RESOURCES: Record<Provider, string[]> = {
  aws: [
    "aws:ec2/instance:Instance",
    "aws:rds/instance:Instance",
    "aws:s3/bucket:Bucket",
    "aws:eks/cluster:Cluster",
  ],
  azure: ["azure:compute:VirtualMachine", "azure:storage:Account", "azure:sql:Database"],
  gcp: ["gcp:compute/instance:Instance", "gcp:storage/bucket:Bucket", "gcp:bigquery/dataset:Dataset"],
  kubernetes: ["kubernetes:core/v1:Namespace", "kubernetes:apps/v1:Deployment", "kubernetes:core/v1:Node"],
  custom: ["custom:datacenter:Rack", "custom:license:Seat"],
};

/** A registry of `n` plugins with 1–6 versions each, shaped like the generator's documents. */
export function syntheticModel(n: number): SiteModel {
  const r = rng(n);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
  const some = <T>(list: readonly T[], max: number): T[] => [
    ...new Set(Array.from({ length: 1 + Math.floor(r() * max) }, () => pick(list))),
  ];
  const plugins: PluginDocument[] = [];
  const summaries: PluginSummary[] = [];
  const manifests: Record<string, Record<string, Manifest>> = {};
  for (let i = 0; i < n; i++) {
    const name = `${pick(WORDS)}-${pick(WORDS)}-${i.toString(36)}`;
    const providers = some(PROVIDERS, 3);
    const caps = some(CAPS, 3);
    const level = pick(LEVELS);
    const sig: SignatureKind =
      level === "verified" || level === "official" ? pick(["key", "sigstore"] as const) : pick(SIGS);
    const method = pick(METHODS);
    const description = `${Array.from({ length: 14 + Math.floor(r() * 14) }, () => pick(WORDS)).join(" ")}.`;
    const keywords = some(WORDS, 5);
    const resources = Object.fromEntries(
      providers.map((p) => [p, { resource_types: some(RESOURCES[p], 4) }]),
    );
    const count = 1 + Math.floor(r() * 6);
    const versions: VersionSummary[] = [];
    const byVersion: Record<string, Manifest> = {};
    for (let v = 0; v < count; v++) {
      const version = `1.${v}.0`;
      const published = new Date(
        Date.UTC(2025, 0, 1) + (v * 60 + Math.floor(r() * 60)) * 86_400_000,
      ).toISOString();
      const checksum = createHash("sha256").update(`${name}@${version}`).digest("hex");
      byVersion[version] = {
        metadata: { name, version, description, author: `Author ${i % 97}`, license: "Apache-2.0", keywords },
        specification: {
          spec_version: "0.1.0",
          supported_providers: providers,
          supported_resources: resources,
          capabilities: caps,
          service_definition: {
            service_name: "CostSourceService",
            package_name: "finfocus.v1",
            methods: ["GetActualCost"],
          },
        },
        security: { security_level: level, permissions: ["network_access", "config_read"] },
        installation: {
          installation_method: method,
          download_url: `https://example.com/${name}/${version}.tar.gz`,
          checksum,
          checksum_algorithm: "sha256",
        },
        requirements: { min_spec_version: "0.1.0" },
      };
      versions.push({
        version,
        manifest_sha256: checksum,
        checksum,
        checksum_algorithm: "sha256",
        installation_method: method,
        spec_version: "0.1.0",
        min_spec_version: "0.1.0",
        dependencies: [],
        security_level: level,
        signature_kind: sig,
        yanked: v === 0 && count > 1 && r() < 0.2,
        prerelease: false,
        published_at: published,
        manifest_url: `api/v1/plugins/${name}/versions/${version}/manifest.json`,
      });
    }
    manifests[name] = byVersion;
    const latest = versions.at(-1)!;
    const deprecated = r() < 0.03;
    plugins.push({
      api_version: "v1",
      name,
      owners: [{ github_id: 1000 + i, login: `owner${i}` }],
      repository: `owner${i}/${name}`,
      signers: { keys: [], sigstore: [] },
      deprecated,
      latest_version: latest.version,
      latest: byVersion[latest.version]!,
      versions,
      versions_url: `api/v1/plugins/${name}/versions/index.json`,
      feed_url: `feeds/plugins/${name}.xml`,
    });
    summaries.push({
      name,
      latest_version: latest.version,
      description,
      author: `Author ${i % 97}`,
      providers,
      capabilities: caps,
      keywords,
      resource_types: Object.values(resources).flatMap((x) => x.resource_types),
      security_level: level,
      signature_kind: sig,
      installation_method: method,
      deprecated,
      updated_at: latest.published_at,
      version_count: versions.length,
    });
  }
  const generated = "2026-11-20T00:00:00.000Z";
  return {
    discovery: {
      api_version: "v1",
      api_root: "api/v1/",
      registry_name: "Bench Registry",
      base_url: "https://bench.example/",
      spec_versions: ["0.1.0"],
      generated_at: generated,
      plugin_count: n,
    },
    index: { api_version: "v1", generated_at: generated, plugins: summaries },
    plugins,
    manifests,
  };
}

/** A bare Astro project with one dynamic route rendering `pages` trivial pages. */
async function floorProject(dir: string, pages: number): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, "src", "pages"), { recursive: true });
  await writeFile(
    join(dir, "src", "pages", "[...slug].astro"),
    [
      "---",
      "export function getStaticPaths() {",
      `  return Array.from({ length: ${pages} }, (_, i) => ({ params: { slug: i === 0 ? undefined : \`p/\${i}\` } }));`,
      "}",
      "const { slug } = Astro.params;",
      "---",
      '<html lang="en"><head><title>{slug ?? "home"}</title></head><body><h1>{slug ?? "home"}</h1></body></html>',
      "",
    ].join("\n"),
  );
}

interface ChildResult {
  ms: number;
  maxRssMb: number;
  pages: number;
  /** Plugins whose pages a partial build rendered. */
  plugins?: number;
}

async function child(kind: string, n: number): Promise<void> {
  // "partial" builds again into the "site" build's folder, after one plugin's description changed.
  const out = join(WORK, `${kind === "partial" ? "site" : kind}-${n}-out`);
  if (kind !== "partial") await rm(out, { recursive: true, force: true });
  let pages = 0;
  let plugins: number | undefined;
  const model = syntheticModel(n);
  const changed = model.plugins[0];
  if (kind === "partial" && changed) changed.latest.metadata.description += " Changed.";
  const started = performance.now();
  if (kind === "partial") {
    const { buildSite } = await import("../site/build.ts");
    const built = await buildSite({ model, outDir: out, base: "/" });
    if (!built.partial) throw new Error("the build after one change rendered every plugin");
    pages = built.pages;
    plugins = built.partial.plugins;
  } else if (kind === "site") {
    const { buildSite } = await import("../site/build.ts");
    pages = (await buildSite({ model, outDir: out, base: "/" })).pages;
  } else {
    pages = pageCount(model);
    const dir = join(WORK, `floor-${n}`);
    await floorProject(dir, pages);
    process.env.ASTRO_TELEMETRY_DISABLED = "1";
    const { build } = await import("astro");
    await build({ root: dir, outDir: out, logLevel: "error", cacheDir: join(dir, ".cache") });
  }
  const ms = performance.now() - started;
  const result: ChildResult = {
    ms,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    pages,
    ...(plugins === undefined ? {} : { plugins }),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function run(kind: string, n: number): ChildResult {
  const res = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--child", kind, String(n)], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.status !== 0) throw new Error(`${kind} ${n} failed:\n${res.stderr}`);
  return JSON.parse(res.stdout.trim().split("\n").at(-1)!) as ChildResult;
}

/** Bytes one query transfers, upper bound: index, one shard per word, the 20 largest display chunks. */
async function queryBytes(out: string, query: string): Promise<{ raw: number; gzip: number; files: number }> {
  const read = (p: string) => readFile(join(out, "search", p));
  const index = await read("index.json");
  const meta = JSON.parse(index.toString()) as SearchMeta;
  const files: Buffer[] = [index];
  for (const key of new Set(tokenize(query).map(shardKey))) {
    if (meta.shards.includes(key)) files.push(await read(`t/${key}.json`));
  }
  const chunks: { name: string; size: number }[] = [];
  for (const name of await readdir(join(out, "search", "d"))) {
    chunks.push({ name, size: (await stat(join(out, "search", "d", name))).size });
  }
  chunks.sort((a, b) => b.size - a.size);
  for (const c of chunks.slice(0, 20)) files.push(await read(`d/${c.name}`));
  return {
    raw: files.reduce((s, f) => s + f.length, 0),
    gzip: files.reduce((s, f) => s + gzipSync(f).length, 0),
    files: files.length,
  };
}

/** What a real browser fetches from search/ for one typed query (and a filter), measured at the server. */
async function browserQueryBytes(out: string, query: string): Promise<number> {
  const { chromium } = await import("playwright-core");
  const server = await serveStatic(out, "/");
  const browser = await chromium.launch({
    executablePath: ensureChromium(),
    args: [...CHROMIUM_ARGS],
  });
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.fill("#q", query);
    await page.waitForFunction(() =>
      document.querySelector("#results-status")?.textContent?.includes("match"),
    );
    await page.check("input[name=level][value=verified]");
    await page.waitForFunction(() => location.search.includes("level=verified"));
    await page.waitForTimeout(300);
    let bytes = 0;
    for (const [path, n] of server.sent) if (path.startsWith("/search/")) bytes += n;
    return bytes;
  } finally {
    await browser.close();
    await server.close();
  }
}

async function largest(dir: string): Promise<number> {
  const sizes = await Promise.all((await readdir(dir)).map(async (f) => (await stat(join(dir, f))).size));
  return Math.max(...sizes);
}

async function main(): Promise<void> {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((x) => x > 0);
  await mkdir(WORK, { recursive: true });
  const kb = (b: number) => `${(b / 1024).toFixed(0)} KB`;
  for (const n of sizes.length > 0 ? sizes : [1000, 10_000]) {
    const floor = run("floor", n);
    const site = run("site", n);
    const out = join(WORK, `site-${n}-out`);
    const q1 = await queryBytes(out, "aws cost");
    const q2 = await queryBytes(out, "kubernetes allocation namespace");
    const indexSize = (await stat(join(out, "search", "index.json"))).size;
    const real = await browserQueryBytes(out, "aws cost");
    const partial = run("partial", n);
    process.stdout.write(
      [
        `\n${n.toLocaleString("en")} plugins → ${site.pages.toLocaleString("en")} pages`,
        `  site build   ${(site.ms / 1000).toFixed(1)} s, peak ${site.maxRssMb.toFixed(0)} MB`,
        `  Astro floor  ${(floor.ms / 1000).toFixed(1)} s, peak ${floor.maxRssMb.toFixed(0)} MB (same number of trivial pages)`,
        `  ratio        ${(site.ms / floor.ms).toFixed(2)} (target ≤ 1.5)`,
        `  one plugin changed: ${(partial.ms / 1000).toFixed(1)} s, ${partial.plugins} plugin's pages and the lists rendered (${partial.pages.toLocaleString("en")} pages), ${((partial.ms / site.ms) * 100).toFixed(1)}% of the full build`,
        `  search       index.json ${kb(indexSize)}, largest shard ${kb(await largest(join(out, "search", "t")))}`,
        `  one query ("aws cost"), upper bound: ${kb(q1.raw)} raw, ${kb(q1.gzip)} gzip, ${q1.files} files (target < 300 KB)`,
        `  one query ("kubernetes allocation namespace"): ${kb(q2.raw)} raw, ${kb(q2.gzip)} gzip, ${q2.files} files`,
        `  measured in Chromium: typing "aws cost" then filtering by level fetched ${kb(real)} from search/ (uncompressed)`,
        "",
      ].join("\n"),
    );
  }
}

if (process.argv[2] === "--child") await child(process.argv[3]!, Number(process.argv[4]));
else await main();
