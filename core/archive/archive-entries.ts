import { createGunzip } from "node:zlib";
import { Parser, type ReadEntry } from "tar";
import yauzl from "yauzl";
import { RegistryError } from "../errors.ts";

/** An archive that cannot be read safely: refused before anything is written. */
export class ArchiveError extends RegistryError<"EXTRACTION_FAILED"> {
  constructor(message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super("EXTRACTION_FAILED", message, { ...options, details });
    this.name = "ArchiveError";
  }
}

/** One archive member, read fully into memory before anything touches the disk. */
export interface ArchiveEntry {
  /** The raw name as the archive states it. */
  path: string;
  kind: "file" | "directory" | "symlink" | "hardlink" | "other";
  mode: number;
  data?: Uint8Array;
  linkpath?: string;
  /** The archive's own type name, for messages about refused entries. */
  typeName: string;
}

export interface ExtractLimits {
  /**
   * Total bytes the extraction may write: every file's content and every link target (a hard
   * link is written as a link, not a copy, so it adds only its name). Default 512 MiB.
   */
  maxTotalBytes: number;
  /** Entries of every kind (files, folders, links). Default 10,000. */
  maxEntries: number;
}

/** Longest entry name or link target accepted (PAX headers may carry longer ones). */
export const MAX_NAME_BYTES = 4096;

/**
 * Bytes a .tar's headers may add to its content: a 512-byte header, padding and at most a PAX
 * header of MAX_NAME_BYTES per entry. Decompression stops past content + this: headers that never
 * become entries (global PAX headers, say) cannot make a small download inflate without end.
 */
function tarOverhead(limits: ExtractLimits): number {
  return (limits.maxEntries + 2) * (3 * 512 + 2 * MAX_NAME_BYTES);
}

export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = { maxTotalBytes: 512 * 1024 * 1024, maxEntries: 10_000 };

export type ArchiveFormat = "tar.gz" | "tar" | "zip" | "binary";

/** Decides the format from the bytes (magic numbers), falling back on the URL's extension. */
export function detectFormat(bytes: Uint8Array, urlOrName: string): ArchiveFormat {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return "tar.gz";
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return "zip";
  if (bytes.length > 262 && Buffer.from(bytes.subarray(257, 262)).toString("latin1") === "ustar")
    return "tar";
  const lower = urlOrName.toLowerCase().split(/[?#]/)[0] ?? "";
  if (/\.(tar\.gz|tgz|zip|tar)$/.test(lower)) {
    throw new ArchiveError(`${urlOrName} is named like an archive but is not one`, {});
  }
  return "binary";
}

function bomb(limits: ExtractLimits, what: string): ArchiveError {
  return new ArchiveError(
    `The archive expands past the ${what} limit (${limits.maxEntries} entries, ${limits.maxTotalBytes} bytes): refused as a decompression bomb`,
    { limit: what },
  );
}

/**
 * Reads every member of a .tar.gz/.tgz/.tar held in memory, aborting at the limits: entries,
 * content bytes (names and link targets included), and inflated bytes of the whole stream.
 */
export function readTarEntries(bytes: Uint8Array, limits: ExtractLimits): Promise<ArchiveEntry[]> {
  return new Promise((resolve, reject) => {
    const entries: ArchiveEntry[] = [];
    let total = 0;
    let failed: Error | undefined;
    const parser = new Parser({ strict: true, maxMetaEntrySize: MAX_NAME_BYTES * 2 });
    const gunzip = bytes[0] === 0x1f && bytes[1] === 0x8b ? createGunzip() : undefined;
    const fail = (error: Error) => {
      if (failed) return;
      failed = error;
      reject(wrap(error));
      gunzip?.destroy();
      parser.abort(error);
    };
    const count = (n: number): boolean => {
      total += n;
      if (total > limits.maxTotalBytes) fail(bomb(limits, "size"));
      return !failed;
    };
    parser.on("entry", (entry: ReadEntry) => {
      if (failed) return entry.resume();
      if (entries.length >= limits.maxEntries) return fail(bomb(limits, "entry count"));
      if (
        Buffer.byteLength(entry.path) > MAX_NAME_BYTES ||
        Buffer.byteLength(entry.linkpath ?? "") > MAX_NAME_BYTES
      )
        return fail(new ArchiveError("An archive entry's name or link target is too long", {}));
      if (!count(Buffer.byteLength(entry.path) + Buffer.byteLength(entry.linkpath ?? ""))) return;
      const chunks: Buffer[] = [];
      const record: ArchiveEntry = {
        path: entry.path,
        kind: tarKind(entry.type),
        mode: entry.mode ?? 0o644,
        typeName: entry.type,
        ...(entry.linkpath ? { linkpath: entry.linkpath } : {}),
      };
      entries.push(record);
      entry.on("data", (chunk: Buffer) => {
        if (!count(chunk.length)) return;
        chunks.push(chunk);
      });
      entry.on("end", () => {
        if (record.kind === "file") record.data = Buffer.concat(chunks);
      });
    });
    parser.on("error", (error: Error) => fail(error));
    parser.on("abort", () => undefined);
    parser.on("end", () => {
      if (!failed) resolve(entries);
    });
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    try {
      if (!gunzip) {
        parser.end(buffer);
        return;
      }
      // Inflate here rather than in the parser, to bound the whole stream, headers included.
      const inflateLimit = limits.maxTotalBytes + tarOverhead(limits);
      let inflated = 0;
      gunzip.on("data", (chunk: Buffer) => {
        if (failed) return;
        inflated += chunk.length;
        if (inflated > inflateLimit) return fail(bomb(limits, "size"));
        parser.write(chunk);
      });
      gunzip.on("error", (error: Error) => fail(error));
      gunzip.on("end", () => {
        if (!failed) parser.end();
      });
      gunzip.end(buffer);
    } catch (error) {
      fail(error as Error);
    }
  });
}

function tarKind(type: string): ArchiveEntry["kind"] {
  switch (type) {
    case "File":
    case "OldFile":
    case "ContiguousFile":
      return "file";
    case "Directory":
      return "directory";
    case "SymbolicLink":
      return "symlink";
    case "Link":
      return "hardlink";
    default:
      return "other";
  }
}

function wrap(error: unknown): ArchiveError {
  if (error instanceof ArchiveError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ArchiveError(`The archive could not be read: ${message}`, {}, { cause: error });
}

/** Reads every member of a .zip held in memory, aborting at the limits. */
export function readZipEntries(bytes: Uint8Array, limits: ExtractLimits): Promise<ArchiveEntry[]> {
  return new Promise((resolve, reject) => {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    yauzl.fromBuffer(
      buffer,
      { lazyEntries: true, validateEntrySizes: true, strictFileNames: true },
      (openError, zip) => {
        if (openError || !zip) return reject(wrap(openError));
        const entries: ArchiveEntry[] = [];
        let total = 0;
        let failed = false;
        const fail = (error: unknown) => {
          if (failed) return;
          failed = true;
          zip.close();
          reject(wrap(error));
        };
        // The central directory states the count: refuse before reading a single entry.
        if (zip.entryCount > limits.maxEntries) return fail(bomb(limits, "entry count"));
        zip.on("error", fail);
        zip.on("end", () => {
          if (!failed) resolve(entries);
        });
        zip.on("entry", (entry: yauzl.Entry) => {
          if (failed) return;
          if (entries.length >= limits.maxEntries) return fail(bomb(limits, "entry count"));
          total += Buffer.byteLength(entry.fileName);
          if (entry.uncompressedSize > limits.maxTotalBytes - total) return fail(bomb(limits, "size"));
          const unixMode = (entry.externalFileAttributes >>> 16) & 0xffff;
          const typeBits = unixMode & 0o170000;
          const isDir = entry.fileName.endsWith("/");
          const kind: ArchiveEntry["kind"] = isDir
            ? "directory"
            : typeBits === 0o120000
              ? "symlink"
              : typeBits === 0 || typeBits === 0o100000
                ? "file"
                : "other";
          const record: ArchiveEntry = {
            path: entry.fileName,
            kind,
            mode: unixMode & 0o7777 || (isDir ? 0o755 : 0o644),
            typeName: `zip mode ${typeBits.toString(8)}`,
          };
          entries.push(record);
          if (isDir) return zip.readEntry();
          zip.openReadStream(entry, (streamError, stream) => {
            if (streamError || !stream) return fail(streamError);
            const chunks: Buffer[] = [];
            let size = 0;
            stream.on("data", (chunk: Buffer) => {
              total += chunk.length;
              size += chunk.length;
              if (kind === "symlink" && size > MAX_NAME_BYTES) {
                stream.destroy();
                return fail(new ArchiveError("A symbolic link's target is too long", {}));
              }
              if (total > limits.maxTotalBytes) {
                stream.destroy();
                return fail(bomb(limits, "size"));
              }
              chunks.push(chunk);
            });
            stream.on("error", fail);
            stream.on("end", () => {
              if (failed) return;
              const data = Buffer.concat(chunks);
              if (kind === "symlink") record.linkpath = data.toString("utf8");
              else record.data = data;
              zip.readEntry();
            });
          });
        });
        zip.readEntry();
      },
    );
  });
}
