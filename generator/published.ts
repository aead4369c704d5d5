/**
 * Publication dates from git history, parsed from ONE `git log` run (see `gitLogArgs`): for
 * each file, the commit time of the newest commit that added it, and the time of the newest commit
 * that touched the registry at all (a yank edits entry.json and adds nothing, hence no
 * `--diff-filter=A`: the additions are picked out here). Pure, so it is tested on text.
 */
import { isoSeconds } from "./time.ts";

/**
 * `git log` arguments whose output `parseGitLog` reads: the history of `rev` (the commit being
 * published, so dates agree with the files read from it) under `path`, the registry's folder
 * relative to the folder git runs in; paths come out relative to the registry root.
 */
export function gitLogArgs(rev = "HEAD", path = "."): string[] {
  return [
    "-c",
    "core.quotePath=false",
    "log",
    rev,
    "-z",
    "--no-renames",
    "--format=%x1e%H %cI",
    "--name-status",
    path === "." ? "--relative" : `--relative=${path}/`,
    "--",
    path,
  ];
}

export interface GitDates {
  /** File path relative to the registry root → ISO 8601 UTC time of the commit that added it. */
  published: Map<string, string>;
  /** Commit time of the newest commit touching the registry, when there is one. */
  newest?: string;
}

/** Parses `git log` output produced with `gitLogArgs` (newest commit first). */
export function parseGitLog(text: string): GitDates {
  const published = new Map<string, string>();
  let newest: string | undefined;
  for (const chunk of text.split("\x1e")) {
    if (chunk === "") continue;
    const headerEnd = chunk.indexOf("\0");
    const header = headerEnd < 0 ? chunk : chunk.slice(0, headerEnd);
    const when = isoSeconds(header.slice(header.indexOf(" ") + 1).trim());
    if (when === undefined) continue;
    newest ??= when;
    const tokens =
      headerEnd < 0
        ? []
        : chunk
            .slice(headerEnd + 1)
            .replace(/^\n/, "")
            .split("\0");
    for (let i = 0; i + 1 < tokens.length; i += 2) {
      const status = tokens[i]!;
      const path = tokens[i + 1]!;
      // Newest first: the first addition seen is the one that created the current file.
      if (status.startsWith("A") && !published.has(path)) published.set(path, when);
    }
  }
  return newest === undefined ? { published } : { published, newest };
}
