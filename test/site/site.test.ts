/// <reference lib="dom" />
/**
 * The site in a real browser: search, filter, plugin and version pages, copying the install command,
 * keyboard-only use, accessibility (axe-core), J5 escaping, base path links, 404, screenshots.
 */
import assert from "node:assert/strict";
import { createPublicKey } from "node:crypto";
import { mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { keyFingerprint } from "../../core/signature/keys.ts";
import { axeViolations, FIXTURE_API, harness, OUTPUT, type SiteHarness } from "./browser.ts";

let h: SiteHarness;

/** Runs `work` over `items`, two at a time. */
async function inPairs<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += 2) await Promise.all(items.slice(i, i + 2).map(work));
}
const shots = join(OUTPUT, "screenshots");

before(async () => {
  h = await harness();
  await rm(shots, { recursive: true, force: true });
  await mkdir(shots, { recursive: true });
});
after(async () => {
  await h?.close();
});

describe("site in the browser", () => {
  test("search finds a plugin by name prefix and opens it", async () => {
    const page = await h.open("");
    await page.fill("#q", "kube");
    await page.waitForFunction(() =>
      document.querySelector("#results-status")?.textContent?.includes("match"),
    );
    const names = await page.locator("#results .plugin-name").allTextContents();
    assert.equal(names[0], "kubecost-bridge");
    assert.equal(
      await page.getAttribute("link[rel=alternate][type='application/atom+xml']", "href"),
      "/registry/feeds/releases.xml",
    );
    assert.match(page.url(), /\?q=kube$/);
    await page.click("#results .plugin-name >> text=kubecost-bridge");
    await page.waitForURL(/\/registry\/plugins\/kubecost-bridge\/$/);
    assert.equal(await page.locator("h1").textContent(), "kubecost-bridge");
  });

  test("search matches descriptions, keywords and resource types", async () => {
    const page = await h.open("");
    for (const [query, expected] of [
      ["bigquery", "gcp-billing-export"],
      ["ec2 instance", "aws-cost-explorer"],
      ["namespaces", "kubecost-bridge"],
      ["retail prices", "azure-pricing"],
    ] as const) {
      await page.fill("#q", query);
      await page.waitForFunction(
        (q) => document.querySelector("#results-status")?.textContent?.includes(q),
        query,
      );
      const names = await page.locator("#results .plugin-name").allTextContents();
      assert.equal(names[0], expected, `query ${query}`);
    }
    await page.fill("#q", "zzzz-nothing");
    await page.waitForSelector("#results .empty");
  });

  test("filters narrow the list, update counts and live in the URL", async () => {
    const page = await h.open("");
    await page.check("input[name=signature][value=sigstore]");
    await page.waitForFunction(() => document.querySelector("#results-status")?.textContent === "2 plugins");
    assert.deepEqual(await page.locator("#results .plugin-name").allTextContents(), [
      "aws-cost-explorer",
      "gcp-billing-export",
    ]);
    await page.check("input[name=provider][value=gcp]");
    await page.waitForFunction(() => document.querySelector("#results-status")?.textContent === "1 plugins");
    assert.equal(await page.textContent("[data-count='provider:aws']"), "1");
    assert.match(page.url(), /signature=sigstore/);
    // A shared link restores the same view.
    const again = await h.open(`?provider=azure&hide_deprecated=1`);
    await again.waitForSelector("#results .empty");
    assert.equal(await again.isChecked("input[name=provider][value=azure]"), true);
    await again.uncheck("input[name=hide_deprecated]");
    await again.waitForFunction(() => document.querySelectorAll("#results .plugin-item").length === 1);
  });

  test("sort by recently updated puts the newest release first", async () => {
    const page = await h.open("");
    await page.selectOption("#sort", "updated");
    await page.waitForFunction(() => location.search.includes("sort=updated"));
    const names = await page.locator("#results .plugin-name").allTextContents();
    assert.deepEqual(names.slice(0, 2), ["aws-cost-explorer", "gcp-billing-export"]);
  });

  test("plugin page shows trust, risky permissions, config, versions; version page has the manifest", async () => {
    const page = await h.open("plugins/aws-cost-explorer/");
    assert.equal(await page.locator(".plugin-header .badge.level-official").count(), 1);
    assert.match((await page.textContent(".plugin-side")) ?? "", /token\.actions\.githubusercontent\.com/);
    assert.match((await page.textContent("#perm-title + .alert")) ?? "", /environment variables/);
    assert.equal(await page.locator("table >> text=cache_ttl_seconds").count(), 1);
    const yanked = page.locator("tr.is-yanked");
    assert.match((await yanked.textContent()) ?? "", /Leaked debug logging/);
    await yanked.locator("a").click();
    await page.waitForURL(/\/plugins\/aws-cost-explorer\/1\.1\.1\/$/);
    assert.match((await page.textContent(".alert-danger")) ?? "", /Yanked/);
    assert.match((await page.textContent("#manifest-json")) ?? "", /"version": "1\.1\.1"/);
    const dep = await h.open("plugins/kubecost-bridge/");
    await dep.click("#deps-title ~ ul a >> text=aws-cost-explorer");
    await dep.waitForURL(/\/plugins\/aws-cost-explorer\/$/);
    assert.equal(
      await page.getAttribute("link[rel=alternate][type='application/atom+xml']", "href"),
      "/registry/feeds/plugins/aws-cost-explorer.xml",
    );
    const deprecated = await h.open("plugins/azure-pricing/");
    assert.match((await deprecated.textContent(".alert-danger")) ?? "", /azure-cost-management/);
  });

  test("a pinned key shows the fingerprint the gate and the CLI print (sha256 of its SPKI DER, hex)", async () => {
    const doc = JSON.parse(
      await readFile(join(FIXTURE_API, "api/v1/plugins/kubecost-bridge/index.json"), "utf8"),
    ) as { signers: { keys: string[] } };
    const pem = doc.signers.keys[0]!;
    const spki = createPublicKey(pem).export({ type: "spki", format: "der" });
    const expected = keyFingerprint(spki);
    assert.match(expected, /^sha256:[0-9a-f]{64}$/);
    const page = await h.open("plugins/kubecost-bridge/");
    const shown = await page.locator(".signers code").allTextContents();
    assert.deepEqual(shown, [expected]);
    assert.doesNotMatch((await page.content()) ?? "", /SHA256:/);
  });

  test("copy button puts the install command on the clipboard", async () => {
    const page = await h.open("plugins/aws-cost-explorer/");
    await page.click("button[data-copy-target='#cmd-registry']");
    await page.waitForSelector("button[data-copy-target='#cmd-registry'][data-copied]");
    assert.equal(
      await page.evaluate(() => navigator.clipboard.readText()),
      "finfocus-registry install aws-cost-explorer",
    );
  });

  test("keyboard only: skip link, search, open a result, visible focus", async () => {
    const page = await h.open("");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Skip to content");
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    assert.notEqual(outline, "none");
    await page.keyboard.press("Enter");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "main");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "q");
    await page.keyboard.type("billing export");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() =>
      document.querySelector("#results-status")?.textContent?.includes("match"),
    );
    // Tab forward until the first result link has focus, then follow it.
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press("Tab");
      const focused = await page.evaluate(() => document.activeElement?.classList.contains("plugin-name"));
      if (focused) break;
    }
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "gcp-billing-export");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/plugins\/gcp-billing-export\/$/);
  });

  test("untrusted text is escaped: no injected HTML, no javascript: links, bidi controls shown", async () => {
    const page = await h.open("plugins/csv-cost-import/");
    assert.equal(await page.locator("main img").count(), 0);
    assert.equal(await page.locator("a[href^='javascript:' i]").count(), 0);
    const header = (await page.textContent(".plugin-header")) ?? "";
    assert.match(header, /<img src=x onerror=alert\(1\)>/);
    assert.match(header, /\[U\+202E\]evil/);
    assert.doesNotMatch(header, /\u202e/);
    assert.match(header, /javascript:alert\(document\.cookie\) \(not linked\)/);
  });

  test("every internal link resolves under the base path; missing pages get the 404 page", async () => {
    const seen = new Set<string>();
    const queue = [h.server.url];
    while (queue.length > 0) {
      const url = queue.pop()!;
      if (seen.has(url)) continue;
      seen.add(url);
      const res = await fetch(url);
      assert.equal(res.status, 200, url);
      if (!(res.headers.get("content-type") ?? "").startsWith("text/html")) continue;
      const html = await res.text();
      for (const m of html.matchAll(/href="([^"#]*)"/g)) {
        const href = m[1]!.replaceAll("&amp;", "&");
        if (/^https?:/.test(href)) {
          assert.ok(!href.startsWith(h.server.origin), href);
          continue;
        }
        assert.ok(href.startsWith("/registry/"), `${href} on ${url} is outside the base path`);
        queue.push(h.server.origin + href);
      }
    }
    assert.ok(seen.size > 20, `crawled ${seen.size} URLs`);
    const missing = await fetch(`${h.server.url}plugins/no-such-plugin/`);
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /Page not found/);
  });

  test("no serious or critical accessibility violations, light and dark", async () => {
    const paths = [
      "",
      "plugins/aws-cost-explorer/",
      "plugins/csv-cost-import/",
      "plugins/kubecost-bridge/1.0.0/",
      "plugins/",
      "publish/",
      "api/",
      "missing/",
    ];
    const scans = [
      ...paths.map((path) => ({ path, dark: false })),
      ...paths.slice(0, 3).map((path) => ({ path, dark: true })),
    ];
    // Two pages at a time: Chromium renders them in parallel processes.
    await inPairs(scans, async ({ path, dark }) => {
      const page = await h.open(path, { dark });
      const violations = await axeViolations(page);
      await page.close();
      assert.deepEqual(
        violations.map(
          (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
        ),
        [],
        `${path || "home"} ${dark ? "dark" : "light"}`,
      );
    });
  });

  test("screenshots at desktop and mobile widths", async () => {
    const pages = [
      ["home", ""],
      ["plugin", "plugins/aws-cost-explorer/"],
      ["version", "plugins/aws-cost-explorer/1.1.1/"],
      ["publish", "publish/"],
    ] as const;
    const sizes = [
      ["desktop", 1280, false],
      ["mobile", 375, false],
      ["desktop-dark", 1280, true],
    ] as const;
    const shotsToTake = pages.flatMap(([name, path]) =>
      sizes
        .filter(([, , dark]) => !dark || name === "home" || name === "plugin")
        .map(([label, width, dark]) => ({ name, path, label, width, dark })),
    );
    await inPairs(shotsToTake, async ({ name, path, label, width, dark }) => {
      const page = await h.open(path, { width, dark });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      await page.screenshot({ path: join(shots, `${name}-${label}.png`), fullPage: true });
      await page.close();
      assert.ok(overflow <= 0, `${name} overflows by ${overflow}px at ${width}px`);
    });
  });

  test("no console errors and no external requests on any page", () => {
    // The one expected error: the browser logs the 404 status of the missing page itself.
    const expected = /^console error on \S+\/missing\/: Failed to load resource: .* 404/;
    assert.deepEqual(
      h.problems.filter((p) => !expected.test(p)),
      [],
    );
  });
});
