/**
 * What the shipped workflows (workflows/*.yml) need from this project, and whether a commit has
 * it. A workflow pins this repository twice: `uses: finfocus/finfocus-registry[/release]@<sha>`
 * (an Action: each `with:` key must be an input of that commit's action.yml, whose bundle must
 * exist) and a checkout of the tools at `ref: <sha>` whose CLI its `run:` steps call (each
 * command and option must be in that commit's `--help`). The pinned commit must also ship the
 * workflows themselves as they are (pins aside), so what runs was tested with them. Used by
 * scripts/pin-release.ts before it repins, and by the test that keeps the shipped pins working.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "yaml";

/** This project's repository, as the shipped workflows name it. */
export const PROJECT = "finfocus/finfocus-registry";

/** One use of this project's Action in a workflow. */
export interface ActionPin {
  file: string;
  /** "" for the gate (action.yml at the root), "release" for release/action.yml. */
  dir: string;
  sha: string;
  inputs: string[];
}

/** One CLI command a workflow runs from a checkout of the tools. */
export interface CommandPin {
  file: string;
  sha: string;
  /** Path of the CLI's entry point inside the repository, e.g. bin/finfocus-registry.js. */
  entry: string;
  command: string;
  options: string[];
}

export interface WorkflowPins {
  actions: ActionPin[];
  commands: CommandPin[];
  /** The workflows that pin this project: file name → text. */
  texts: Map<string, string>;
}

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}

const PIN = new RegExp(`^${PROJECT}(?:/([\\w./-]+))?@([0-9a-f]{40})$`);

/** The pins of every workflow in `dir` (file names relative to `root`). */
export function readPins(root: string, dir = "workflows"): WorkflowPins {
  const pins: WorkflowPins = { actions: [], commands: [], texts: new Map() };
  for (const name of readdirSync(resolve(root, dir))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    const file = `${dir}/${name}`;
    const text = readFileSync(resolve(root, file), "utf8");
    const doc = parse(text) as { jobs?: Record<string, { steps?: Step[] }> };
    const before = pins.actions.length + pins.commands.length;
    for (const job of Object.values(doc.jobs ?? {})) {
      const tools = new Map<string, string>(); // checkout path → sha
      for (const step of job.steps ?? []) {
        const m = PIN.exec(step.uses ?? "");
        if (m) pins.actions.push({ file, dir: m[1] ?? "", sha: m[2]!, inputs: Object.keys(step.with ?? {}) });
        if (step.uses?.startsWith("actions/checkout@") && step.with?.repository === PROJECT) {
          tools.set(String(step.with.path ?? "."), String(step.with.ref ?? ""));
        }
        for (const [path, sha] of tools) pins.commands.push(...commandsIn(step.run ?? "", path, sha, file));
      }
    }
    if (pins.actions.length + pins.commands.length > before) pins.texts.set(name, text);
  }
  return pins;
}

/** A workflow's text with this project's pins (and their version comments) blanked out. */
export function withoutPins(text: string): string {
  return text
    .replace(new RegExp(`(uses:\\s*${PROJECT}(?:/[\\w./-]+)?@)[0-9a-f]{40}.*$`, "gm"), "$1<pin>")
    .replace(/^(\s*ref:\s*)[0-9a-f]{40}\s*$/gm, "$1<pin>");
}

/**
 * Problems when the pinned commit does not ship these very workflows (pins aside): an Action is
 * tested with the workflows of its own commit, so a workflow change (a new trigger, a new step)
 * needs a pin at or after the commit that made it.
 */
export function workflowProblems(root: string, sha: string, texts: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  for (const [name, text] of texts) {
    let pinned: string;
    try {
      pinned = git(root, ["show", `${sha}:workflows/${name}`]);
    } catch {
      problems.push(
        `workflows/${name} does not exist at ${sha.slice(0, 12)}: commit it, then repin to that commit`,
      );
      continue;
    }
    if (withoutPins(pinned).trimEnd() !== withoutPins(text).trimEnd())
      problems.push(
        `workflows/${name} at ${sha.slice(0, 12)} is not this workflow (pins aside): the pinned commit must ship it as it is; commit it, then repin to that commit`,
      );
  }
  return problems;
}

/** `node <path>/<entry> <command> --opt …` invocations in a run: script. */
function commandsIn(run: string, path: string, sha: string, file: string): CommandPin[] {
  const prefix = path === "." ? "" : `${path.replace(/\/+$/, "")}/`;
  const out: CommandPin[] = [];
  const script = run.replace(/\\\n/g, " ");
  const re = /\bnode\s+(\S+finfocus-registry\.js)\s+([a-z][\w-]*)([^\n;&|]*)/g;
  for (const m of script.matchAll(re)) {
    if (!m[1]!.startsWith(prefix)) continue;
    const options = [...m[3]!.matchAll(/(?:^|\s)(--[a-z][\w-]*)/g)].map((o) => o[1]!);
    out.push({ file, sha, entry: m[1]!.slice(prefix.length), command: m[2]!, options });
  }
  return out;
}

const git = (root: string, args: string[]): string =>
  execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

/** Problems of a commit as a pin of this repository: absent, or not reachable from HEAD. */
export function reachability(root: string, sha: string): string[] {
  try {
    git(root, ["cat-file", "-e", `${sha}^{commit}`]);
  } catch {
    const shallow = git(root, ["rev-parse", "--is-shallow-repository"]) === "true";
    return [
      `${sha} is not in this clone${shallow ? " (a shallow clone: fetch the whole history, e.g. actions/checkout with fetch-depth: 0)" : ""}: pin a commit of this repository's history`,
    ];
  }
  try {
    git(root, ["merge-base", "--is-ancestor", sha, "HEAD"]);
    return [];
  } catch {
    return [
      `${sha} is not an ancestor of HEAD: a fresh clone of the default branch may not have it (a branch that was rebased or squashed); pin a commit of the released history`,
    ];
  }
}

/** Problems of an Action pin: the commit lacks action.yml, an input the workflow passes, or the bundle. */
export function actionProblems(root: string, pin: Pick<ActionPin, "dir" | "sha" | "inputs">): string[] {
  const yml = pin.dir ? `${pin.dir}/action.yml` : "action.yml";
  let action: { inputs?: Record<string, unknown>; runs?: { main?: string } };
  try {
    action = parse(git(root, ["show", `${pin.sha}:${yml}`]));
  } catch {
    return [`${pin.sha} has no ${yml}`];
  }
  const problems = pin.inputs
    .filter((i) => !Object.hasOwn(action.inputs ?? {}, i))
    .map((i) => `${yml} at ${pin.sha.slice(0, 12)} declares no input "${i}"`);
  const main = action.runs?.main ? (pin.dir ? `${pin.dir}/${action.runs.main}` : action.runs.main) : "";
  try {
    git(root, ["cat-file", "-e", `${pin.sha}:${main}`]);
  } catch {
    problems.push(`${yml} at ${pin.sha.slice(0, 12)} runs "${main}", which that commit does not have`);
  }
  return problems;
}

/**
 * Problems of the CLI commands run from a checkout at one commit: the entry point is missing, or
 * its `--help` (run from that commit's files, with this checkout's node_modules) does not list a
 * command or an option. Wherever the CLI's code lives at that commit, its help is the contract.
 */
export function commandProblems(root: string, sha: string, commands: readonly CommandPin[]): string[] {
  if (commands.length === 0) return [];
  const dir = mkdtempSync(join(tmpdir(), "pinned-tools-"));
  try {
    const archive = spawnSync("git", ["archive", "--format=tar", sha], { cwd: root, maxBuffer: 1 << 30 });
    if (archive.status !== 0) return [`git archive ${sha} failed: ${archive.stderr}`];
    execFileSync("tar", ["-x", "-C", dir], { input: archive.stdout });
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
    const help = (entry: string, args: string[]): string => {
      const r = spawnSync(process.execPath, [join(dir, entry), ...args, "--help"], {
        cwd: dir,
        encoding: "utf8",
      });
      return `${r.stdout}${r.stderr}`;
    };
    const problems: string[] = [];
    for (const c of commands) {
      const at = `${c.file}: at ${sha.slice(0, 12)}`;
      try {
        git(root, ["cat-file", "-e", `${sha}:${c.entry}`]);
      } catch {
        problems.push(`${at} there is no ${c.entry}`);
        continue;
      }
      if (!new RegExp(`^\\s+${c.command}\\s`, "m").test(help(c.entry, []))) {
        problems.push(`${at} \`finfocus-registry --help\` lists no command "${c.command}"`);
        continue;
      }
      const usage = help(c.entry, [c.command]);
      for (const o of c.options)
        if (!usage.includes(o)) problems.push(`${at} \`finfocus-registry ${c.command} --help\` has no ${o}`);
    }
    return problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every problem of `sha` as the pin of all `pins` (each checked as if it pointed at `sha`). */
export function problemsAt(root: string, sha: string, pins: WorkflowPins): string[] {
  const actions = pins.actions.flatMap((p) =>
    actionProblems(root, { ...p, sha }).map((x) => `${p.file}: ${x}`),
  );
  return [
    ...reachability(root, sha),
    ...workflowProblems(root, sha, pins.texts),
    ...actions,
    ...commandProblems(root, sha, pins.commands),
  ];
}
