/**
 * A registry's TUF client: tuf-js's `Updater` over the project's one fetcher, with this machine's
 * trust state for the registry in its own folder (the root pinned on first use, or the one the
 * configuration gives, and the newest metadata seen, which is what makes rollback detectable).
 * `target(path)` answers what the signed index says about one document: tuf-js walks the
 * top-level roles once per process and then one hashed bin per document.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { type TargetFile, Updater } from "tuf-js";
import { DownloadHTTPError, DownloadLengthMismatchError } from "tuf-js/dist/error.js";
import { type Credentials, FetchError, type Fetcher } from "../../core/net/fetcher.types.ts";
import { refusalReason } from "../../core/tuf/client-policy.ts";
import { RunnerError } from "../errors.ts";
import { writeFileAtomic } from "../install/atomic-file.ts";

/** The user's TUF settings (configuration and command line). */
export interface TufSettings {
  /** This machine's TUF trust state, one subfolder per registry (default `~/.finfocus/tuf`). */
  dir: string;
  /** A trusted root (a `<N>.root.json`'s bytes) given by configuration instead of trust on first use. */
  root?: Uint8Array;
  /** Refuse registries that publish no TUF metadata. */
  required?: boolean;
  /** Use the metadata already on this machine (`--offline`). */
  offline?: boolean;
}

export interface TufSession {
  /** What the signed index says about `path` (undefined: not a target, i.e. no such document). */
  target(path: string): Promise<TargetFile | undefined>;
  /** Throws TUF_VERIFICATION_FAILED unless `bytes` have the target's length and hashes. */
  verify(target: TargetFile, bytes: Uint8Array, url: string): Promise<void>;
}

/** The trust folder of one registry. */
export function trustFolder(settings: TufSettings, registryRoot: string): string {
  return join(settings.dir, createHash("sha256").update(registryRoot).digest("hex").slice(0, 32));
}

/** True when a root for `registryRoot` is pinned on this machine. */
export function isPinned(settings: TufSettings, registryRoot: string): boolean {
  return existsSync(join(trustFolder(settings, registryRoot), "root.json"));
}

/** A refusal of the TUF client as the runner's error. */
export function tufError(error: unknown, details: Record<string, unknown>): RunnerError {
  // Our own errors (offline cache misses, the URL policy, a failed transfer) keep their codes.
  if (error instanceof RunnerError) return error;
  const reason = refusalReason(error);
  const message = error instanceof Error ? error.message : String(error);
  return new RunnerError(
    "TUF_VERIFICATION_FAILED",
    `The registry's signed index was refused (${reason}): ${message}`,
    {
      ...details,
      reason,
    },
    { cause: error },
  );
}

/** tuf-js's fetcher port over the project's fetcher (URL policy, credentials, deadlines, caps). */
class PortFetcher {
  readonly #fetcher: Fetcher;
  readonly #credentials: Credentials | undefined;
  readonly #offline: boolean;
  constructor(fetcher: Fetcher, credentials: Credentials | undefined, offline: boolean) {
    this.#fetcher = fetcher;
    this.#credentials = credentials;
    this.#offline = offline;
  }
  async downloadBytes(url: string, maxLength: number): Promise<Buffer> {
    if (this.#offline) {
      throw new RunnerError("OFFLINE_CACHE_MISS", `--offline: ${url} is not in this machine's TUF metadata`, {
        url,
      });
    }
    try {
      const response = await this.#fetcher.get({
        url,
        maxBytes: maxLength,
        ...(this.#credentials ? { credentials: this.#credentials } : {}),
      });
      return Buffer.from(response.body);
    } catch (error) {
      if (error instanceof FetchError && error.details.status !== undefined) {
        throw new DownloadHTTPError(`${url}: HTTP ${error.details.status}`, error.details.status);
      }
      if (error instanceof FetchError && error.details.reason === "too large") {
        throw new DownloadLengthMismatchError(
          `${url} is longer than the ${maxLength} bytes the metadata allows`,
        );
      }
      throw error;
    }
  }
  async downloadFile<T>(url: string, maxLength: number, handler: (file: string) => Promise<T>): Promise<T> {
    const bytes = await this.downloadBytes(url, maxLength);
    const dir = mkdtempSync(join(tmpdir(), "ffr-tuf-"));
    try {
      const file = join(dir, "download");
      writeFileSync(file, bytes);
      return await handler(file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/**
 * Opens the TUF client of the registry at `registryRoot` whose metadata is at `metadataUrl`.
 * Without a pinned root, the configured one is pinned, or else the registry's `1.root.json`
 * (trust on first use); the updater then walks to the newest root and refreshes the top-level
 * roles, refusing rollback, freeze, bad signatures and mixed builds.
 */
export async function openTufSession(options: {
  registryRoot: string;
  metadataUrl: string;
  settings: TufSettings;
  fetcher: Fetcher;
  credentials?: Credentials;
}): Promise<TufSession> {
  const dir = trustFolder(options.settings, options.registryRoot);
  const details = { registry: options.registryRoot, metadata: options.metadataUrl };
  const port = new PortFetcher(options.fetcher, options.credentials, options.settings.offline === true);
  let updater: Updater;
  try {
    if (!existsSync(join(dir, "root.json"))) {
      const root =
        options.settings.root ??
        (await port.downloadBytes(new URL("1.root.json", options.metadataUrl).href, 512 * 1024));
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      await writeFileAtomic(join(dir, "root.json"), Buffer.from(root).toString("utf8"), 0o600);
    }
    updater = new Updater({
      metadataDir: dir,
      metadataBaseUrl: options.metadataUrl.replace(/\/$/, ""),
      fetcher: port,
      forceCache: options.settings.offline === true,
      config: { prefixTargetsWithHash: false },
    });
    await updater.refresh();
  } catch (error) {
    throw tufError(error, details);
  }
  return {
    async target(path) {
      try {
        return await updater.getTargetInfo(path);
      } catch (error) {
        throw tufError(error, { ...details, target: path });
      }
    },
    async verify(target, bytes, url) {
      try {
        await target.verify(Readable.from([Buffer.from(bytes)]));
      } catch (error) {
        throw tufError(error, { ...details, url, target: target.path });
      }
    },
  };
}
