/** sitemap.xml (split into a sitemap index past 50,000 URLs, the protocol's limit per file). */

import { LIST_PAGE_SIZE } from "./model.ts";
import type { SiteModel } from "./model.types.ts";

const LIMIT = 50_000;

const xmlEscape = (s: string) =>
  s.replace(
    /[<>&'"]/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!,
  );

/** The sitemap files for this model; `root` is the absolute URL of the site root, ending in "/". */
export function sitemapFiles(model: SiteModel, root: string): { path: string; text: string }[] {
  const urls: string[] = ["", "plugins/", "publish/", "api/"];
  const lists = Math.ceil(model.index.plugins.length / LIST_PAGE_SIZE);
  for (let i = 2; i <= lists; i++) urls.push(`plugins/page/${i}/`);
  for (const p of model.plugins) {
    const name = encodeURIComponent(p.name);
    urls.push(`plugins/${name}/`);
    for (const v of p.versions) urls.push(`plugins/${name}/${encodeURIComponent(v.version)}/`);
  }
  const urlset = (list: string[]) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${list
      .map((u) => `<url><loc>${xmlEscape(root + u)}</loc></url>`)
      .join("\n")}\n</urlset>\n`;
  if (urls.length <= LIMIT) return [{ path: "sitemap.xml", text: urlset(urls) }];
  const files: { path: string; text: string }[] = [];
  for (let i = 0; i * LIMIT < urls.length; i++) {
    files.push({ path: `sitemap-${i}.xml`, text: urlset(urls.slice(i * LIMIT, (i + 1) * LIMIT)) });
  }
  const index = `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${files
    .map((f) => `<sitemap><loc>${xmlEscape(root + f.path)}</loc></sitemap>`)
    .join("\n")}\n</sitemapindex>\n`;
  return [{ path: "sitemap.xml", text: index }, ...files];
}
