/// <reference lib="dom" />
/**
 * Shared setup of the browser tests: builds the fixture site once under a base path, serves it on
 * loopback and drives the system Chromium with playwright-core. Refuses any request that leaves
 * the loopback server and records console errors, so every test checks both.
 */
import { cp, mkdir, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { CHROMIUM_ARGS, ensureChromium } from "../../scripts/ensure-chromium.ts";
import { buildSite } from "../../site/build.ts";
import { type StaticServer, serveStatic } from "./serve.ts";

export const ROOT = new URL("../../", import.meta.url).pathname;
export const FIXTURE_API = join(ROOT, "test/fixtures/site");
export const OUTPUT = join(ROOT, "test-output");
export const BASE = "/registry/";

export interface SiteHarness {
  server: StaticServer;
  browser: Browser;
  /** Console errors, page errors and refused external requests, across every page opened. */
  problems: string[];
  open(path: string, options?: { width?: number; dark?: boolean }): Promise<Page>;
  context(options?: { width?: number; dark?: boolean }): Promise<BrowserContext>;
  close(): Promise<void>;
}

let shared: Promise<SiteHarness> | undefined;

/** Builds the site from the fixture API into test-output/site/, once per test process. */
export function harness(): Promise<SiteHarness> {
  shared ??= start();
  return shared;
}

async function start(): Promise<SiteHarness> {
  const out = join(OUTPUT, "site");
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  await cp(FIXTURE_API, out, { recursive: true });
  await buildSite({ apiDir: FIXTURE_API, outDir: out, base: BASE, site: "https://example.test/registry/" });
  const server = await serveStatic(out, BASE);
  const browser = await chromium.launch({
    executablePath: ensureChromium(),
    args: [...CHROMIUM_ARGS],
  });
  const problems: string[] = [];
  const context = async (options: { width?: number; dark?: boolean } = {}) => {
    const ctx = await browser.newContext({
      viewport: { width: options.width ?? 1280, height: 900 },
      colorScheme: options.dark ? "dark" : "light",
      permissions: ["clipboard-read", "clipboard-write"],
    });
    await ctx.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(server.origin) || url.startsWith("data:")) return route.continue();
      problems.push(`external request: ${url}`);
      return route.abort();
    });
    ctx.on("page", (page) => watch(page, problems));
    return ctx;
  };
  const contexts = new Map<string, Promise<BrowserContext>>();
  return {
    server,
    browser,
    problems,
    context,
    async open(path, options) {
      const key = `${options?.width ?? 1280}:${options?.dark === true}`;
      let ctx = contexts.get(key);
      if (!ctx) {
        ctx = context(options);
        contexts.set(key, ctx);
      }
      const page = await (await ctx).newPage();
      await page.goto(server.url + path);
      return page;
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

function watch(page: Page, problems: string[]): void {
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console error on ${page.url()}: ${msg.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error on ${page.url()}: ${error.message}`));
}

const require = createRequire(import.meta.url);
/** axe-core's source, injected into pages for the accessibility scan. */
export const AXE_SOURCE_PATH = require.resolve("axe-core/axe.min.js");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Serious and critical axe-core violations on the page (WCAG 2 A/AA rules and best practices). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE_SOURCE_PATH });
  const result = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    return axe.run(document, { resultTypes: ["violations"] });
  });
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}
