/**
 * Byte-reproducible archive writers for the demo plugins: ustar `.tar.gz` and `.zip`.
 *
 * Everything that usually makes archives drift is fixed: entries are sorted by name, every entry
 * has the same mtime, uid/gid 0, uname/gname "root", and an explicit mode. Compression is
 * deliberately off (gzip and zip "stored" blocks): deflate output depends on the zlib build and
 * even on CPU features, stored blocks do not, and the demo files are a few kilobytes. Both formats
 * stay standard, so `tar -xzf` and `unzip` read them.
 */
import { crc32 } from "node:zlib";

/** One file inside an archive. */
export interface ArchiveFile {
  /** Relative path with forward slashes, no `..`. */
  name: string;
  /** Unix permission bits, e.g. 0o755 for the executable. */
  mode: number;
  data: Buffer;
}

/** 2024-01-01T00:00:00Z: the one mtime of every entry. */
export const FIXED_MTIME_SECONDS = 1_704_067_200;

const sortByName = (files: readonly ArchiveFile[]): ArchiveFile[] =>
  [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, "0")}\0`;
}

function tarHeader(file: ArchiveFile): Buffer {
  if (Buffer.byteLength(file.name) > 100) throw new Error(`tar entry name too long: ${file.name}`);
  const header = Buffer.alloc(512, 0);
  header.write(file.name, 0, 100, "utf8");
  header.write(octal(file.mode, 8), 100, 8, "ascii");
  header.write(octal(0, 8), 108, 8, "ascii"); // uid
  header.write(octal(0, 8), 116, 8, "ascii"); // gid
  header.write(octal(file.data.length, 12), 124, 12, "ascii");
  header.write(octal(FIXED_MTIME_SECONDS, 12), 136, 12, "ascii");
  header.write("        ", 148, 8, "ascii"); // checksum placeholder: spaces while summing
  header.write("0", 156, 1, "ascii"); // regular file
  header.write("ustar\0", 257, 6, "ascii");
  header.write("00", 263, 2, "ascii");
  header.write("root", 265, 32, "ascii"); // uname
  header.write("root", 297, 32, "ascii"); // gname
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8, "ascii");
  return header;
}

/** A ustar archive of `files` (sorted), ending with the two zero blocks. */
export function tarBytes(files: readonly ArchiveFile[]): Buffer {
  const parts: Buffer[] = [];
  for (const file of sortByName(files)) {
    parts.push(tarHeader(file), file.data, Buffer.alloc((512 - (file.data.length % 512)) % 512, 0));
  }
  parts.push(Buffer.alloc(1024, 0));
  return Buffer.concat(parts);
}

/**
 * gzip (RFC 1952) with a fixed header (no name, mtime 0, XFL 0, OS 3 = Unix) around deflate
 * stored blocks (RFC 1951 §3.2.4).
 */
export function gzipStored(data: Buffer): Buffer {
  const header = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03]);
  const blocks: Buffer[] = [];
  const max = 0xffff;
  let offset = 0;
  do {
    const chunk = data.subarray(offset, offset + max);
    offset += chunk.length;
    const head = Buffer.alloc(5);
    head[0] = offset >= data.length ? 1 : 0; // BFINAL, BTYPE=00
    head.writeUInt16LE(chunk.length, 1);
    head.writeUInt16LE(~chunk.length & 0xffff, 3);
    blocks.push(head, chunk);
  } while (offset < data.length);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data) >>> 0, 0);
  trailer.writeUInt32LE(data.length >>> 0, 4);
  return Buffer.concat([header, ...blocks, trailer]);
}

/** `.tar.gz` bytes of `files`: reproducible. */
export function tarGzBytes(files: readonly ArchiveFile[]): Buffer {
  return gzipStored(tarBytes(files));
}

/** MS-DOS date and time of FIXED_MTIME_SECONDS (2024-01-01 00:00:00). */
const DOS_TIME = 0;
const DOS_DATE = ((2024 - 1980) << 9) | (1 << 5) | 1;

/** A zip (method 0, stored) of `files` (sorted), with Unix modes in the external attributes. */
export function zipBytes(files: readonly ArchiveFile[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const file of sortByName(files)) {
    const name = Buffer.from(file.name, "utf8");
    const crc = crc32(file.data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(10, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(file.data.length, 18);
    local.writeUInt32LE(file.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, spec 2.0
    central.writeUInt16LE(10, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(file.data.length, 20);
    central.writeUInt32LE(file.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((0o100000 | file.mode) << 16) >>> 0, 38); // regular file + mode
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, file.data);
    centrals.push(central, name);
    offset += local.length + name.length + file.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
