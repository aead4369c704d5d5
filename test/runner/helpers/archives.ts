/**
 * Builds real archives byte by byte for tests, including the hostile ones no archiver would write:
 * traversal names, links out of the folder, devices, setuid modes.
 */
import { readFileSync, realpathSync } from "node:fs";
import { deflateRawSync, gzipSync } from "node:zlib";
import { Header } from "tar";

export interface TarEntrySpec {
  path: string;
  type?:
    | "File"
    | "Directory"
    | "SymbolicLink"
    | "Link"
    | "CharacterDevice"
    | "FIFO"
    | "GlobalExtendedHeader"
    | "NextFileHasLongPath";
  data?: string | Uint8Array;
  mode?: number;
  linkpath?: string;
}

/** A .tar.gz holding exactly these entries. */
export function tarGz(entries: TarEntrySpec[]): Uint8Array {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const data = Buffer.from(e.data ?? "");
    const type = e.type ?? "File";
    const hasBody = type === "File" || type === "GlobalExtendedHeader" || type === "NextFileHasLongPath";
    const header = new Header({
      path: e.path,
      mode: e.mode ?? (type === "Directory" ? 0o755 : 0o644),
      size: hasBody ? data.length : 0,
      type,
      mtime: new Date(0),
      uid: 0,
      gid: 0,
      ...(e.linkpath ? { linkpath: e.linkpath } : {}),
    });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    blocks.push(block);
    if (hasBody && data.length > 0) {
      blocks.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

export interface ZipEntrySpec {
  path: string;
  data?: string | Uint8Array;
  /** Unix mode including type bits, e.g. 0o100755 or 0o120777 for a symlink. */
  mode?: number;
}

/**
 * A .zip (deflated) holding exactly these entries. With `overlap`, the central directory lists the
 * first entry's data that many more times under other names (a non-recursive zip bomb).
 */
export function zip(entries: ZipEntrySpec[], overlap = 0): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.path, "utf8");
    const raw = Buffer.from(e.data ?? "");
    const body = deflateRawSync(raw);
    const crc = crc32(raw);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x0314, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((e.mode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const first = centrals[0];
  for (let i = 0; i < overlap && first; i++) {
    const name = Buffer.from(`copy-${i}`, "utf8");
    const central = Buffer.from(first);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(0, 42);
    centrals.push(central, name);
  }
  const count = entries.length + overlap;
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) c = (TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * The files of a plugin that runs the test service (test/fixtures/service-plugin/serve.ts): the
 * service itself, copied in, and `finfocus-plugin-<name>`, which starts it with this Node, the
 * host's `--port=N`, then `args` (a status, attempts). Everything it runs is in its own folder or is
 * the Node that runs the tests, so it starts inside a plugin's sandbox too.
 */
export function serviceFiles(name: string, args: string[] = []): TarEntrySpec[] {
  const node = realpathSync(process.execPath);
  const quoted = args.map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(" ");
  return [
    {
      path: "serve.ts",
      data: readFileSync(new URL("../../fixtures/service-plugin/serve.ts", import.meta.url)),
    },
    {
      path: `finfocus-plugin-${name}`,
      data: `#!/bin/sh\nexec "${node}" "\${0%/*}/serve.ts" "$1"${quoted ? ` ${quoted}` : ""}\n`,
      mode: 0o755,
    },
  ];
}
