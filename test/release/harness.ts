/**
 * Runs the committed release/dist/index.js as a process, the way a runner does: inputs as
 * INPUT_* variables, the event as a payload file, outputs and the job summary as files, and the
 * OIDC token endpoint, GitHub API and Sigstore instance on loopback.
 */
import { spawn } from "node:child_process";
import {
  copyFileSync,
  type Dirent,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const BUILT = fileURLToPath(new URL("../../release/dist/index.js", import.meta.url));

/** The bundle, copied out of the repository: no node_modules can be reached from it. */
export const RELEASE_ACTION = join(mkdtempSync(join(tmpdir(), "release-dist-")), "index.js");
copyFileSync(BUILT, RELEASE_ACTION);

export interface ReleaseRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  findings: { code: string; severity: string; file: string; pointer: string; line?: number }[];
  /** Files the Action wrote under RUNNER_TEMP/finfocus-release, by relative path. */
  written: Record<string, string>;
}

export interface ReleaseRunOptions {
  /** The plugin repository's checkout: templates, built files (or symbolic links, as git keeps them). */
  workspace: Record<string, string | Uint8Array | { symlink: string }>;
  eventName?: string;
  event: unknown;
  inputs: Record<string, string>;
  env: Record<string, string>;
}

function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const m of text.matchAll(/^([\w-]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm))
    outputs[m[1]!] = m[3]!;
  return outputs;
}

function readTree(dir: string, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  let names: Dirent[];
  try {
    names = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const d of names) {
    const rel = prefix ? `${prefix}/${d.name}` : d.name;
    if (d.isDirectory()) Object.assign(out, readTree(join(dir, d.name), rel));
    else out[rel] = readFileSync(join(dir, d.name), "utf8");
  }
  return out;
}

/** Runs the release Action once in a fresh workspace and temp folder. */
export async function runRelease(options: ReleaseRunOptions): Promise<ReleaseRun> {
  const tmp = mkdtempSync(join(tmpdir(), "release-run-"));
  const workspace = join(tmp, "workspace");
  try {
    for (const [path, content] of Object.entries(options.workspace)) {
      mkdirSync(dirname(join(workspace, path)), { recursive: true });
      if (typeof content === "object" && "symlink" in content)
        symlinkSync(content.symlink, join(workspace, path));
      else writeFileSync(join(workspace, path), content);
    }
    mkdirSync(workspace, { recursive: true });
    const runnerTemp = join(tmp, "runner-temp");
    mkdirSync(runnerTemp);
    writeFileSync(join(tmp, "event.json"), JSON.stringify(options.event));
    writeFileSync(join(tmp, "output"), "");
    writeFileSync(join(tmp, "summary"), "");
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      HOME: tmp,
      GITHUB_ACTIONS: "true",
      GITHUB_EVENT_NAME: options.eventName ?? "release",
      GITHUB_EVENT_PATH: join(tmp, "event.json"),
      GITHUB_OUTPUT: join(tmp, "output"),
      GITHUB_STEP_SUMMARY: join(tmp, "summary"),
      GITHUB_WORKSPACE: workspace,
      RUNNER_TEMP: runnerTemp,
      ...options.env,
    };
    for (const [name, value] of Object.entries(options.inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
    const child = spawn(process.execPath, [RELEASE_ACTION], { cwd: workspace, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => {
      stdout += c;
    });
    child.stderr.on("data", (c) => {
      stderr += c;
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    const outputs = parseOutputs(readFileSync(join(tmp, "output"), "utf8"));
    return {
      code,
      stdout,
      stderr,
      outputs,
      summary: readFileSync(join(tmp, "summary"), "utf8"),
      findings: outputs.findings ? JSON.parse(outputs.findings) : [],
      written: readTree(join(runnerTemp, "finfocus-release")),
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
