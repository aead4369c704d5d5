import { createHash } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { RunnerError } from "../errors.ts";
import { writeFileAtomic } from "../install/atomic-file.ts";
import type { Clock, Fetcher } from "../net/fetcher.types.ts";

interface CachedEntry {
  url: string;
  etag?: string;
  fetched_at: number;
  body: string;
}

export interface HttpCacheOptions {
  fetcher: Fetcher;
  clock: Clock;
  /** Folder for cached documents; none means memory only. */
  dir?: string;
  /** Serve only from the cache, never touch the network. */
  offline?: boolean;
  /** Sent as `Authorization: Bearer` (private registries behind an auth proxy). */
  apiKey?: string;
  headers?: Record<string, string>;
  maxBytes?: number;
}

/**
 * A small HTTP cache for registry documents: fresh entries (within `ttlSeconds`) are served without
 * a request, stale ones are revalidated with If-None-Match (a 304 costs no body), and `--offline`
 * serves whatever is cached. Immutable documents (manifests) pass `ttlSeconds: Infinity`.
 */
export class HttpCache {
  readonly #options: HttpCacheOptions;
  readonly #memory = new Map<string, CachedEntry>();

  constructor(options: HttpCacheOptions) {
    this.#options = options;
  }

  /** The body of `url`; 404 comes back as undefined, other failures throw DOWNLOAD_FAILED. */
  async get(url: string, ttlSeconds: number): Promise<Uint8Array | undefined> {
    const now = this.#options.clock.now();
    const cached = this.#memory.get(url) ?? (await this.#read(url));
    if (cached && (this.#options.offline || now - cached.fetched_at < ttlSeconds * 1000)) {
      this.#memory.set(url, cached);
      return Buffer.from(cached.body, "base64");
    }
    if (this.#options.offline) {
      throw new RunnerError("OFFLINE_CACHE_MISS", `--offline: ${url} is not in the cache`, { url });
    }
    const headers: Record<string, string> = { accept: "application/json", ...this.#options.headers };
    if (this.#options.apiKey) headers.authorization = `Bearer ${this.#options.apiKey}`;
    if (cached?.etag) headers["if-none-match"] = cached.etag;
    let response: Awaited<ReturnType<Fetcher["get"]>>;
    try {
      response = await this.#options.fetcher.get({
        url,
        headers,
        maxBytes: this.#options.maxBytes ?? 4 << 20,
      });
    } catch (error) {
      if (error instanceof RunnerError && error.details.status === 404) return undefined;
      throw error;
    }
    const entry: CachedEntry =
      response.status === 304 && cached
        ? { ...cached, fetched_at: now }
        : {
            url,
            ...(response.etag ? { etag: response.etag } : {}),
            fetched_at: now,
            body: Buffer.from(response.body).toString("base64"),
          };
    this.#memory.set(url, entry);
    await this.#write(entry);
    return Buffer.from(entry.body, "base64");
  }

  #file(url: string): string | undefined {
    if (!this.#options.dir) return undefined;
    return join(this.#options.dir, `${createHash("sha256").update(url).digest("hex")}.json`);
  }

  async #read(url: string): Promise<CachedEntry | undefined> {
    const file = this.#file(url);
    if (!file) return undefined;
    try {
      const entry = JSON.parse(await readFile(file, "utf8")) as CachedEntry;
      return entry.url === url && typeof entry.body === "string" ? entry : undefined;
    } catch {
      return undefined;
    }
  }

  async #write(entry: CachedEntry): Promise<void> {
    const file = this.#file(entry.url);
    if (!file || !this.#options.dir) return;
    await mkdir(this.#options.dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(file, JSON.stringify(entry), 0o600);
  }
}
