/**
 * The artifact mirror, one meaning for the gate and the runner: a place that holds artifacts by
 * file name, the last segment of the manifest's `download_url`, either a folder (absolute path or
 * `file:` URL: air-gapped runners, committed demo archives) or an `https://` base URL. The
 * manifest's URL is still checked against the URL policy, and the bytes still have to match the
 * checksum and signatures: a mirror changes where bytes come from, never what is accepted.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export type MirrorLocation = { kind: "file"; path: string } | { kind: "url"; url: string };

/** The artifact's file name in a mirror, or undefined when the URL names none (or an unsafe one). */
export function mirrorFileName(downloadUrl: string): string | undefined {
  let name: string;
  try {
    name = decodeURIComponent(new URL(downloadUrl).pathname.split("/").pop() ?? "");
  } catch {
    return undefined;
  }
  if (name === "" || name === "." || name === ".." || /[/\\\0]/.test(name)) return undefined;
  return name;
}

/** True when the mirror is a folder (an absolute path or a `file:` URL) rather than a URL to fetch from. */
export function isFolderMirror(mirror: string): boolean {
  return mirror.startsWith("/") || mirror.startsWith("file:");
}

/** Where the mirror holds the artifact of `downloadUrl`, or why it cannot. */
export function mirrorLocation(downloadUrl: string, mirror: string): MirrorLocation | { problem: string } {
  const name = mirrorFileName(downloadUrl);
  if (!name)
    return { problem: `${JSON.stringify(downloadUrl.slice(0, 300))} names no file to take from the mirror` };
  if (isFolderMirror(mirror)) {
    const dir = mirror.startsWith("file:") ? fileURLToPath(mirror) : mirror;
    return { kind: "file", path: join(dir, name) };
  }
  const base = mirror.endsWith("/") ? mirror : `${mirror}/`;
  return { kind: "url", url: new URL(encodeURIComponent(name), base).href };
}
