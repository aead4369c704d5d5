import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const files = [
  ...readdirSync(`${root}workflows`).map((f) => `workflows/${f}`),
  ...readdirSync(`${root}.github/workflows`).map((f) => `.github/workflows/${f}`),
].filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"));

/** Steps of a workflow as text blocks: from one `- ` at step indentation to the next. */
function steps(text: string): string[] {
  const lines = text.split("\n");
  const out: string[] = [];
  let current: string[] | undefined;
  let indent = -1;
  for (const line of lines) {
    const m = /^(\s*)- (name|uses|run|id|if|with|env)\b/.exec(line);
    if (m && (indent === -1 || m[1]!.length === indent)) {
      if (current) out.push(current.join("\n"));
      current = [line];
      indent = m[1]!.length;
    } else if (
      current &&
      line.trim() !== "" &&
      line.length - line.trimStart().length <= indent &&
      !/^\s*#/.test(line)
    ) {
      out.push(current.join("\n"));
      current = undefined;
      indent = -1;
    } else current?.push(line);
  }
  if (current) out.push(current.join("\n"));
  return out;
}

/** The text of every `run:` block (inline or `|` block). */
function runBlocks(text: string): string[] {
  const lines = text.split("\n");
  const blocks: string[] = [];
  lines.forEach((line, i) => {
    const m = /^(\s*)(?:- )?run:\s*(.*)$/.exec(line);
    if (!m) return;
    const block = [m[2]!];
    const indent = m[1]!.length;
    for (let j = i + 1; j < lines.length; j++) {
      const next = lines[j]!;
      if (next.trim() !== "" && next.length - next.trimStart().length <= indent) break;
      block.push(next);
    }
    blocks.push(block.join("\n"));
  });
  return blocks;
}

describe("shipped workflows (G3, G4, G7)", () => {
  test("there are workflows to check: validate, comment, publish", () => {
    for (const name of ["registry-validate.yml", "registry-comment.yml", "registry-publish.yml"]) {
      assert.ok(files.includes(`workflows/${name}`), name);
      assert.ok(files.includes(`.github/workflows/${name}`), name);
    }
  });

  for (const file of files) {
    const text = readFileSync(`${root}${file}`, "utf8");
    describe(file, () => {
      test("G7: every uses: is local or pinned to a full commit SHA with a version comment", () => {
        const uses = [...text.matchAll(/^\s*(?:- )?uses:\s*(\S+)(.*)$/gm)];
        assert.ok(uses.length > 0);
        for (const [, ref, rest] of uses) {
          if (ref!.startsWith("./")) continue;
          assert.match(ref!, /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/, `${file}: ${ref} is not pinned by SHA`);
          assert.match(rest!, /^\s+#\s*\S/, `${file}: ${ref} has no version comment`);
        }
      });

      test("G3: minimal top-level permissions, and every checkout has persist-credentials: false", () => {
        assert.match(text, /^permissions:/m, `${file} declares no top-level permissions`);
        const top = /^permissions:[ \t]*(\{\}|\n(?:[ \t]+.+\n)+)/m.exec(text)?.[1] ?? "";
        assert.doesNotMatch(top, /write/, `${file}: write permissions belong on the job that needs them`);
        const checkouts = steps(text).filter((s) => /uses:\s*actions\/checkout@/.test(s));
        for (const step of checkouts) assert.match(step, /persist-credentials:\s*false/, `${file}: ${step}`);
        if (/^\s+pull_request:/m.test(text)) assert.match(top, /contents:\s*read/);
      });

      test("G4: no expression is interpolated into a run: step", () => {
        for (const block of runBlocks(text)) assert.doesNotMatch(block, /\$\{\{/, `${file}: ${block}`);
        assert.doesNotMatch(text, /github\.event\.pull_request\.(title|body|head\.ref)|github\.head_ref/);
      });

      test("G1: no pull_request_target workflow checks out or runs the PR's code", () => {
        if (!/pull_request_target/.test(text)) return;
        assert.doesNotMatch(text, /ref:\s*\$\{\{\s*github\.event\.pull_request\.head/);
      });
    });
  }

  test("the comment workflow runs no checkout and matches the PR by head SHA (G5)", () => {
    const text = readFileSync(`${root}workflows/registry-comment.yml`, "utf8");
    assert.match(text, /workflow_run:/);
    assert.doesNotMatch(text, /actions\/checkout/);
    assert.match(text, /HEAD_SHA: \$\{\{ github\.event\.workflow_run\.head_sha \}\}/);
    assert.match(text, /p\.head\.sha === headSha/);
    assert.match(text, /pr\.number !== Number\(claimed\.number\)/);
    assert.equal(text, readFileSync(`${root}.github/workflows/registry-comment.yml`, "utf8"));
  });

  test("a maintainer's review re-runs the gate, whose comment the workflow_run job posts as its own", () => {
    for (const dir of ["workflows", ".github/workflows"]) {
      const validate = readFileSync(`${root}${dir}/registry-validate.yml`, "utf8");
      assert.match(validate, /^ {2}pull_request_review:\n {4}types: \[submitted, dismissed\]$/m);
      assert.match(validate, /^ {2}pull-requests: read$/m);
      const comment = readFileSync(`${root}${dir}/registry-comment.yml`, "utf8");
      assert.match(comment, /github\.event\.workflow_run\.event == 'pull_request_review'/);
      assert.match(comment, /c\.user\?\.id === viewer\.databaseId/);
    }
  });

  test("this repository's gate runs the Action from the PR's base commit", () => {
    const text = readFileSync(`${root}.github/workflows/registry-validate.yml`, "utf8");
    assert.match(text, /ref: \$\{\{ github\.event\.pull_request\.base\.sha \}\}/);
    assert.match(text, /uses: \.\/\.gate/);
  });
});
