/**
 * Repins the shipped workflows (workflows/*.yml) to one commit of this repository: every
 * `uses: finfocus/finfocus-registry[/release]@<sha> # <comment>` and every checkout of the tools
 * (`repository: finfocus/finfocus-registry` with `ref: <sha>`).
 *
 *   node scripts/pin-release.ts <tag | branch | sha> [--comment TEXT] [--dir workflows]
 *
 * The commit must be reachable from HEAD (a fresh clone has it), ship these workflows as they are
 * (pins aside: commit a workflow change first) and have everything they use: each input they pass
 * in that commit's action.yml, the bundle it runs, each CLI command and option in its --help.
 * Otherwise nothing is written and the problems are listed. Pin a release tag; between releases,
 * a commit of the default branch at or after the last change to the workflows, action.yml,
 * release/, dist/ or the CLI. Exit: 0 repinned, 1 refused, 2 usage.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { PROJECT, problemsAt, readPins } from "./workflow-pins.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

const git = (args: string[]): string =>
  execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

/** The version comment after `uses:`: the tag's name, else the ref and the commit's date. */
function defaultComment(ref: string, sha: string): string {
  let tag = "";
  try {
    tag = git(["describe", "--tags", "--exact-match", sha]);
  } catch {}
  if (tag) return tag;
  const date = git(["log", "-1", "--format=%cs", sha]);
  return /^[0-9a-f]{7,40}$|^HEAD\b|^@/.test(ref) ? `commit of ${date}` : `${ref} as of ${date}`;
}

/**
 * The workflow text with every pin of this project set to `sha`: `uses:` lines get the new SHA and
 * comment, and `ref:` lines holding one of the old pins get the new SHA. Everything else is kept
 * byte for byte.
 */
export function repin(text: string, oldShas: ReadonlySet<string>, sha: string, comment: string): string {
  const escaped = PROJECT.replace("/", "\\/");
  const uses = new RegExp(
    `^(\\s*(?:- )?uses:\\s*${escaped}(?:/[\\w./-]+)?@)[0-9a-f]{40}(?:[ \\t]+#.*)?$`,
    "gm",
  );
  return text
    .replace(uses, (_, head: string) => `${head}${sha} # ${comment}`)
    .replace(/^(\s*ref:\s*)([0-9a-f]{40})\s*$/gm, (line, head: string, old: string) =>
      oldShas.has(old) ? `${head}${sha}` : line,
    );
}

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { comment: { type: "string" }, dir: { type: "string", default: "workflows" } },
  });
  const ref = positionals[0];
  if (!ref || positionals.length > 1) {
    process.stderr.write(
      "usage: node scripts/pin-release.ts <tag | branch | sha> [--comment TEXT] [--dir DIR]\n",
    );
    return 2;
  }
  let sha: string;
  try {
    sha = git(["rev-parse", "--verify", `${ref}^{commit}`]);
  } catch {
    process.stderr.write(`pin-release: ${ref} is not a commit of this repository\n`);
    return 2;
  }
  if (!existsSync(resolve(root, values.dir))) {
    process.stderr.write(`pin-release: no folder ${values.dir}\n`);
    return 2;
  }
  const pins = readPins(root, values.dir);
  const problems = problemsAt(root, sha, pins);
  if (problems.length > 0) {
    process.stderr.write(`pin-release: refusing to pin ${sha} (nothing written):\n`);
    for (const p of problems) process.stderr.write(`  - ${p}\n`);
    return 1;
  }
  const old = new Set([...pins.actions.map((p) => p.sha), ...pins.commands.map((c) => c.sha)]);
  const comment = values.comment ?? defaultComment(ref, sha);
  const dir = resolve(root, values.dir);
  for (const name of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
    const text = readFileSync(join(dir, name), "utf8");
    const next = repin(text, old, sha, comment);
    if (next !== text) {
      writeFileSync(join(dir, name), next);
      process.stdout.write(`pinned ${values.dir}/${name} to ${sha} (${comment})\n`);
    }
  }
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
