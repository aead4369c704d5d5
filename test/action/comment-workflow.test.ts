/**
 * Runs the `script:` of workflows/registry-comment.yml the way actions/github-script does
 * (an async function of github, context, core and require), with a real Octokit pointed at the
 * loopback API, to prove the G5 checks: the PR is found by head SHA, an artifact naming another
 * PR or lacking the marker is refused, and the one sticky comment is created then updated.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { Octokit } from "@octokit/rest";
import { fakeApi } from "./fake-api.ts";

const workflow = readFileSync(
  fileURLToPath(new URL("../../workflows/registry-comment.yml", import.meta.url)),
  "utf8",
);

/** The `script: |` block, de-indented. */
function script(): string {
  const lines = workflow.split("\n");
  const start = lines.findIndex((l) => /^\s+script: \|$/.test(l));
  const body: string[] = [];
  const indent = lines[start + 1]!.length - lines[start + 1]!.trimStart().length;
  for (const line of lines.slice(start + 1)) {
    if (line.trim() !== "" && line.length - line.trimStart().length < indent) break;
    body.push(line.slice(indent));
  }
  return body.join("\n");
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...values: unknown[]) => Promise<void>;

async function runScript(apiUrl: string, dir: string, headSha: string): Promise<string | undefined> {
  let failed: string | undefined;
  const core = { setFailed: (m: string) => (failed = m) };
  const github = new Octokit({ auth: "t", baseUrl: apiUrl });
  const context = { repo: { owner: "acme", repo: "registry" } };
  const previous = { dir: process.env.COMMENT_DIR, sha: process.env.HEAD_SHA };
  process.env.COMMENT_DIR = dir;
  process.env.HEAD_SHA = headSha;
  try {
    const fn = new AsyncFunction("github", "context", "core", "require", script());
    await fn(github, context, core, createRequire(import.meta.url));
  } finally {
    process.env.COMMENT_DIR = previous.dir ?? "";
    process.env.HEAD_SHA = previous.sha ?? "";
  }
  return failed;
}

test("G5: the workflow_run job checks the PR by head SHA and keeps one sticky comment", async () => {
  const api = await fakeApi();
  const dir = mkdtempSync(join(tmpdir(), "gate-artifact-"));
  mkdirSync(dir, { recursive: true });
  const head = "c".repeat(40);
  api.pulls = [
    { number: 7, head: { sha: head } },
    { number: 8, head: { sha: "d".repeat(40) } },
  ];
  const artifact = (number: number, body: string) => {
    writeFileSync(join(dir, "pr.json"), JSON.stringify({ number, head_sha: head }));
    writeFileSync(join(dir, "comment.md"), body);
  };
  // Another bot's comment carrying the marker: not this job's own, never updated.
  api.comments.push({
    id: 1,
    body: "<!-- finfocus-registry-gate -->\nforged",
    user: { id: 99, login: "evil-app[bot]", type: "Bot" },
  });
  try {
    artifact(8, "<!-- finfocus-registry-gate -->\nspoofed target");
    assert.match((await runScript(api.url, dir, head)) ?? "", /matches the artifact's PR number/);
    assert.equal(api.comments.length, 1);

    artifact(7, "no marker: not ours");
    assert.match((await runScript(api.url, dir, head)) ?? "", /marker/);
    assert.equal(api.comments.length, 1);

    artifact(7, "<!-- finfocus-registry-gate -->\nfirst");
    assert.equal(await runScript(api.url, dir, head), undefined);
    artifact(7, "<!-- finfocus-registry-gate -->\nsecond");
    assert.equal(await runScript(api.url, dir, head), undefined);
    assert.equal(api.comments.length, 2);
    assert.equal(api.comments[0]!.body, "<!-- finfocus-registry-gate -->\nforged");
    assert.equal(api.comments[1]!.body, "<!-- finfocus-registry-gate -->\nsecond");
    assert.equal(api.comments[1]!.user.login, "github-actions[bot]");

    assert.match((await runScript(api.url, dir, "e".repeat(40))) ?? "", /No open pull request/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await api.close();
  }
});
