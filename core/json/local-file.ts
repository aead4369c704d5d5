import { constants } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { RegistryError } from "../errors.ts";

/** Why readLocalFile refused a file (`details.reason` of its error). */
export type LocalFileRefusal = "missing" | "not a file" | "too large" | "unreadable";

/**
 * Reads a file the user named (a configuration, a key, a certificate, a trusted root, a bundle):
 * whole, at most `maxBytes`, and only a regular file. A device (`/dev/zero`), a pipe or a socket
 * is refused at once instead of being read forever or waited on, and so is a file over the
 * limit, before a byte of it is read. Every refusal is FILE_UNREADABLE and names `what`, the
 * file and what to do. Symbolic links are followed (the user chose the path) unless
 * `followLinks` is false: a link is then refused (ELOOP).
 */
export async function readLocalFile(
  file: string,
  what: string,
  maxBytes: number,
  options: { followLinks?: boolean } = {},
): Promise<Buffer> {
  const refused = (why: string, cause?: unknown, reason: LocalFileRefusal = "unreadable") =>
    new RegistryError("FILE_UNREADABLE", `cannot read the ${what} ${file}: ${why}`, {
      details: { file, reason },
      ...(cause === undefined ? {} : { cause }),
    });
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a pipe nobody writes to returns at once (it is then refused below).
    const noFollow = options.followLinks === false ? constants.O_NOFOLLOW : 0;
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | noFollow);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP" && options.followLinks === false)
      throw refused("it is a symbolic link: give the file it points to", error, "not a file");
    throw refused(errnoText(error), error, code === "ENOENT" ? "missing" : "unreadable");
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw refused("it is a folder: give the file inside it", undefined, "not a file");
    if (!info.isFile())
      throw refused(
        "it is not a regular file (a device, a pipe or a socket): save the content to a file",
        undefined,
        "not a file",
      );
    if (info.size > maxBytes) throw refused(tooLarge(maxBytes, info.size), undefined, "too large");
    // One byte more than the stat gave is asked for: a file that grew since is read on, to the limit.
    let buffer = Buffer.alloc(Math.min(info.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) throw refused(tooLarge(maxBytes), undefined, "too large");
      if (length === buffer.length) {
        const grown = Buffer.alloc(Math.min(length * 2, maxBytes + 1));
        buffer.copy(grown);
        buffer = grown;
      }
    }
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof RegistryError) throw error;
    throw refused(errnoText(error), error);
  } finally {
    await handle.close();
  }
}

const tooLarge = (maxBytes: number, size?: number) =>
  `it holds ${size ?? `more than ${maxBytes}`} bytes, over the limit of ${maxBytes} for it: is it the right file?`;

function errnoText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file (ENOENT): check the path";
  if (code === "EACCES" || code === "EPERM") return `permission denied (${code})`;
  return code ?? String((error as Error).message ?? error);
}
