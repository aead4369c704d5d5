/**
 * A malicious registry server (issue: author text inert everywhere) serves a description with
 * terminal escape sequences: an OSC 8 hyperlink, a colour, a cursor move, a C1 CSI, bidi
 * controls. `search` and `info` print it; the CLI's output guard shows every one escaped.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { publish } from "./helpers/registry.ts";
import { type StaticServer, startServer } from "./helpers/server.ts";

const bin = fileURLToPath(new URL("../../bin/finfocus-registry.js", import.meta.url));
const HOSTILE =
  "costs \u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007 \u001b[31mred\u001b[2J \u009b1A \u202eevil\u202c";
// biome-ignore lint/complexity/useRegexLiterals: a literal would need control characters that the linter refuses
const CONTROL = new RegExp("[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u202a-\\u202e]");
let server: StaticServer;
let tmp: string;

before(async () => {
  server = await startServer();
  tmp = await mkdtemp(join(tmpdir(), "ffr-inert-"));
  publish(server, [
    { name: "shady", versions: [{ version: "1.0.0", edit: (m) => (m.metadata.description = HOSTILE) }] },
  ]);
  for (const file of ["/api/v1/plugins/index.json"]) {
    const index = JSON.parse(server.files.get(file)!.toString());
    index.plugins[0].description = HOSTILE;
    server.files.set(file, Buffer.from(JSON.stringify(index)));
  }
});
after(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [bin, ...args, "--registry-url", server.url, "--allow-loopback-http"],
      {
        env: { ...process.env, HOME: tmp, NO_COLOR: "1" },
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

for (const args of [
  ["search", "costs"],
  ["info", "shady"],
]) {
  test(`${args[0]}: a server's escape sequences reach the terminal escaped`, async () => {
    const r = await cli(...args, "--cache-dir", join(tmp, `cache-${args[0]}`));
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, CONTROL);
    assert.match(r.stdout, /\\u001b\]8;;https:\/\/evil\.example\\u0007click/);
    const json = await cli(...args, "--format", "json", "--cache-dir", join(tmp, `cache-json-${args[0]}`));
    assert.doesNotMatch(json.stdout, CONTROL);
    assert.ok(json.stdout.includes("\\u001b") && JSON.stringify(JSON.parse(json.stdout)).includes("\u009b"));
  });
}
