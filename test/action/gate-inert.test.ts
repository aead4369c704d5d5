/**
 * Author text is inert everywhere it is printed (issue: what was reviewed is what publishes). A
 * manifest's configuration schema is author text that ajv quotes: in warnings (an unknown
 * format's name) and in errors (an unresolvable `$ref`). Through the bundled Action it must not
 * become a workflow command on stdout or stderr, nor a mention or a live link in the PR comment
 * and job summary; through the CLI it must not put escape sequences on the terminal.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { baseRegistry, manifestJson, prEvent } from "./fixture.ts";
import { artifactServer, fakeApi, makeRepo, runAction, sha256 } from "./harness.ts";

const BIN = fileURLToPath(new URL("../../bin/finfocus-registry.js", import.meta.url));
const V1 = new TextEncoder().encode("v1");
const V2 = new TextEncoder().encode("v2");
let server: Awaited<ReturnType<typeof artifactServer>>;

before(async () => {
  server = await artifactServer({ "/v1.tgz": V1, "/v2.tgz": V2 });
});
after(() => server.close());

/** Workflow commands, terminal escapes, a team mention and links, where ajv will quote them. */
const FORMAT =
  "x\n::set-output name=valid::true\n::stop-commands::pwned\n  ::warning title=forged::forged\r::add-mask::registry\n##[set-output name=valid;]true";
const REF =
  "@acme/security-team see https://evil.example/x www.evil.example acme/other#1 \u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007 \u009b31m";

function hostileManifest(): string {
  const m = JSON.parse(
    manifestJson("cost-aws", "1.1.0", { url: `${server.url}/v2.tgz`, checksum: sha256(V2) }),
  );
  m.configuration = {
    schema: JSON.stringify({
      type: "object",
      properties: { a: { type: "string", format: FORMAT }, b: { $ref: REF } },
    }),
  };
  return `${JSON.stringify(m, null, 2)}\n`;
}

// biome-ignore lint/complexity/useRegexLiterals: a literal would need control characters that the linter refuses
const CONTROL = new RegExp("[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f]");

/** Lines the Actions runner would read as a workflow command: `::` at the start, or `##[` anywhere. */
function commandLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/).filter((line) => /^\s*::/.test(line) || line.includes("##["));
}

describe("author text is inert", { concurrency: 2 }, () => {
  test("Action: no workflow command from author text on stdout or stderr; no mention or link in comment and summary", async () => {
    const api = await fakeApi();
    const repo = await makeRepo(baseRegistry(`${server.url}/v1.tgz`, sha256(V1)), {
      "registry/plugins/cost-aws/versions/1.1.0.json": hostileManifest(),
    });
    try {
      const r = await runAction({
        workspace: repo.dir,
        event: prEvent(repo),
        api,
        inputs: { comment: "always" },
      });
      // The schema is refused quoting the `$ref`; the C1 control in it is also refused on its own.
      assert.deepEqual(
        r.findings.map((f) => f.code.replace(/^CONFIG_SCHEMA_\w+$/, "CONFIG_SCHEMA_*")),
        ["CONFIG_SCHEMA_*", "UNSAFE_TEXT"],
      );
      assert.equal(r.outputs.valid, "false");
      for (const line of commandLines(r.stdout + r.stderr)) {
        // Only our own commands remain: the token's mask, annotations and the failure, one line each.
        if (line === "::add-mask::test-token") continue;
        assert.match(line, /^::(error|warning|notice|debug)( [^:]*)?::/, line);
        assert.doesNotMatch(line, /stop-commands|set-output|add-mask|title=forged|##\[/, line);
      }
      assert.doesNotMatch(r.stdout + r.stderr, CONTROL);
      const comment = api.comments[0]?.body ?? "";
      for (const body of [comment, r.summary]) {
        assert.match(body, /CONFIG_SCHEMA_\w+/);
        assert.doesNotMatch(body, /@acme\/security-team/, "a team mention notifies the team");
        assert.doesNotMatch(body, /https?:\/\/evil|www\.evil/, "a bare URL becomes a live link");
        assert.doesNotMatch(body, /acme\/other#1/, "a cross-repository reference links and notifies");
        assert.doesNotMatch(body.replace("<!-- finfocus-registry-gate -->", ""), /</, "no HTML");
        assert.doesNotMatch(body, CONTROL);
      }
    } finally {
      repo.cleanup();
      await api.close();
    }
  });

  test("CLI: no escape sequence from author text reaches the terminal; JSON keeps the data", () => {
    const dir = mkdtempSync(join(tmpdir(), "inert-cli-"));
    try {
      for (const [path, content] of Object.entries({
        ...baseRegistry(`${server.url}/v1.tgz`, sha256(V1)),
        "registry/plugins/cost-aws/versions/1.1.0.json": hostileManifest(),
      })) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), content as string);
      }
      const text = spawnSync(process.execPath, [BIN, "validate", "--registry", "registry"], {
        cwd: dir,
        encoding: "utf8",
      });
      assert.equal(text.status, 1);
      assert.match(text.stdout, /CONFIG_SCHEMA_\w+ .*security-team/);
      assert.doesNotMatch(text.stdout + text.stderr, CONTROL);
      assert.match(text.stdout, /\\u001b\]8;;https/);
      assert.deepEqual(commandLines(text.stdout + text.stderr), []);
      const json = spawnSync(
        process.execPath,
        [BIN, "validate", "--registry", "registry", "--format", "json"],
        {
          cwd: dir,
          encoding: "utf8",
        },
      );
      assert.doesNotMatch(json.stdout, CONTROL);
      const findings = JSON.parse(json.stdout).findings as { code: string; message: string }[];
      const message = findings.find((f) => f.code.startsWith("CONFIG_SCHEMA_"))?.message ?? "";
      assert.ok(
        message.includes("\u009b31m"),
        "the data survives: the guard escaped the raw C1 control, JSON.parse gives it back",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
