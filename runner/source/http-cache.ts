import { createHash } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { checkFetchUrl, type UrlPolicy } from "../../core/net/fetch-policy.ts";
import { type Clock, type Credentials, FetchError, type Fetcher } from "../../core/net/fetcher.types.ts";
import { fromFetchError, RunnerError } from "../errors.ts";
import { writeFileAtomic } from "../install/atomic-file.ts";
import { spendReadBudget } from "../resolve/read-budget.ts";

interface CachedEntry {
  url: string;
  etag?: string;
  fetched_at: number;
  body: string;
}

export interface HttpCacheOptions {
  fetcher: Fetcher;
  clock: Clock;
  /** Checked for every URL before the cache is consulted: a cached answer never bypasses the policy. */
  urlPolicy: UrlPolicy;
  /** Folder for cached documents; none means memory only. */
  dir?: string;
  /** Serve only from the cache, never touch the network. */
  offline?: boolean;
  /** The API key and custom headers, for the registry's own origin only (core/net/fetch-policy.ts). */
  credentials?: Credentials;
  /** The cap of a request that names none (default 4 MiB). */
  maxBytes?: number;
  /** Total time for each request (the source's timeout_seconds); default the fetcher's. */
  deadlineMs?: number;
}

/**
 * A small HTTP cache for registry documents: fresh entries (within `ttlSeconds`) are served without
 * a request, stale ones are revalidated with If-None-Match (a 304 costs no body), and `--offline`
 * serves whatever is cached. Immutable documents (manifests) pass `ttlSeconds: Infinity`. Every
 * URL passes the URL policy first, cached or not.
 */
export class HttpCache {
  readonly #options: HttpCacheOptions;
  readonly #memory = new Map<string, CachedEntry>();

  constructor(options: HttpCacheOptions) {
    this.#options = options;
  }

  /** The cache's clock (milliseconds), for callers that keep what they derived from its answers. */
  now(): number {
    return this.#options.clock.now();
  }

  /**
   * The body of `url`; 404 comes back as undefined, other failures throw DOWNLOAD_FAILED.
   * `maxBytes` is this request's cap when the caller knows it (an API document kind's, from core's
   * API_MAX_BYTES; a TUF target's signed length); otherwise the cache's own cap applies.
   */
  async get(url: string, ttlSeconds: number, maxBytes?: number): Promise<Uint8Array | undefined> {
    const checked = checkFetchUrl(url, this.#options.urlPolicy);
    if ("problem" in checked) throw new RunnerError("INSECURE_URL", `Refused: ${checked.problem}`, { url });
    const now = this.#options.clock.now();
    const cached = this.#memory.get(url) ?? (await this.#read(url));
    if (cached && (this.#options.offline || now - cached.fetched_at < ttlSeconds * 1000)) {
      this.#memory.set(url, cached);
      const body = Buffer.from(cached.body, "base64");
      spendReadBudget(body.byteLength, url);
      return body;
    }
    if (this.#options.offline) {
      throw new RunnerError("OFFLINE_CACHE_MISS", `--offline: ${url} is not in the cache`, { url });
    }
    const headers: Record<string, string> = { accept: "application/json" };
    if (cached?.etag) headers["if-none-match"] = cached.etag;
    let response: Awaited<ReturnType<Fetcher["get"]>>;
    try {
      response = await this.#options.fetcher.get({
        url,
        headers,
        ...(this.#options.credentials ? { credentials: this.#options.credentials } : {}),
        maxBytes: maxBytes ?? this.#options.maxBytes ?? 4 << 20,
        ...(this.#options.deadlineMs !== undefined ? { deadlineMs: this.#options.deadlineMs } : {}),
      });
    } catch (error) {
      const status = (error as FetchError | RunnerError).details?.status;
      if ((error instanceof FetchError || error instanceof RunnerError) && status === 404) return undefined;
      throw fromFetchError(error);
    }
    // Spent before it is kept: a document past the operation's budget is neither cached nor used.
    spendReadBudget(
      response.status === 304 && cached ? (cached.body.length * 3) / 4 : response.body.byteLength,
      url,
    );
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
