/**
 * The artifact mirror, one meaning for the gate and the runner: a place that holds artifacts by
 * file name, the last segment of the manifest's `download_url`, either a folder (absolute path or
 * `file:` URL: air-gapped runners, committed demo archives) or an `https://` base URL. The
 * manifest's URL is still checked against the URL policy, and the bytes still have to match the
 * checksum and signatures: a mirror changes where bytes come from, never what is accepted.
 */
import { join, resolve } from "node:path";
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

/**
 * The mirror a user gave (the gate's `artifact-mirror` input, the runner's `--artifact-mirror`),
 * one meaning for both: an `http(s)://` base URL is kept, a `file:` URL and a path become an
 * absolute folder (a relative path is taken from `cwd`: the workspace, the working directory).
 * Anything else with a scheme is refused here, by name, rather than failing at the first download.
 * Whether the URL may be fetched (https, or loopback http when allowed) stays the URL policy's call.
 */
export function mirrorSetting(given: string, cwd: string): { mirror: string } | { problem: string } {
  const shown = JSON.stringify(given.slice(0, 300));
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(given)?.[1]?.toLowerCase();
  if (scheme === undefined) return { mirror: resolve(cwd, given) };
  const refused = {
    problem: `the artifact mirror ${shown} is neither a folder, a file: URL nor an http(s):// URL; give a folder (write ./${given.slice(0, 300)} for one whose name has a colon) or a base URL`,
  };
  if (scheme === "file") {
    try {
      return { mirror: fileURLToPath(given) };
    } catch (error) {
      return {
        problem: `the artifact mirror ${shown} is not a local file: URL (${(error as Error).message})`,
      };
    }
  }
  // `http:x` parses as http://x/; a base URL is written with its `//`.
  if ((scheme !== "http" && scheme !== "https") || !given.slice(scheme.length + 1).startsWith("//"))
    return refused;
  try {
    const url = new URL(given);
    if (url.hostname === "") return refused;
    return { mirror: url.href };
  } catch {
    return refused;
  }
}

/** Where the mirror (an absolute folder, or as `mirrorSetting` takes it) holds the artifact of `downloadUrl`, or why it cannot. */
export function mirrorLocation(downloadUrl: string, mirror: string): MirrorLocation | { problem: string } {
  const name = mirrorFileName(downloadUrl);
  if (!name)
    return { problem: `${JSON.stringify(downloadUrl.slice(0, 300))} names no file to take from the mirror` };
  const setting = mirror.startsWith("/")
    ? { mirror }
    : /^[a-z][a-z0-9+.-]*:/i.test(mirror)
      ? mirrorSetting(mirror, "/")
      : {
          problem: `the artifact mirror ${JSON.stringify(mirror.slice(0, 300))} is a relative folder; give it absolute`,
        };
  if ("problem" in setting) return setting;
  if (setting.mirror.startsWith("/")) return { kind: "file", path: join(setting.mirror, name) };
  const base = setting.mirror.endsWith("/") ? setting.mirror : `${setting.mirror}/`;
  return { kind: "url", url: new URL(encodeURIComponent(name), base).href };
}
