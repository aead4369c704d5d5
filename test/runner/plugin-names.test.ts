/**
 * A name that cannot be a plugin's (core/registry/layout.ts, the specification's pattern) is never
 * looked up: not as a path below a registry folder (where a long one failed with ENAMETOOLONG), not
 * as a URL. A name that is not there is not remembered, so a daemon's clients asking for many
 * names leave nothing behind, and a plugin published after a miss is found.
 */
import assert from "node:assert/strict";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { isRunnerError } from "../../runner/errors.ts";
import { info } from "../../runner/ops/list.ts";
import { createFilesystemSource } from "../../runner/source/filesystem-source.ts";
import { testContext } from "./helpers/context.ts";
import { publish } from "./helpers/registry.ts";
import { type StaticServer, startServer } from "./helpers/server.ts";

const REGISTRY = fileURLToPath(new URL("../../registry/", import.meta.url));
const NOT_NAMES = [
  `${"\n".repeat(300)}aws-cost-explorer`,
  "x".repeat(5000),
  "Aws-Cost-Explorer",
  "aws-cost-explorer/versions",
  "../plugins/aws-cost-explorer",
  "aws-cost-explorer\0",
  "",
];

let server: StaticServer;
let tmp: string;
before(async () => {
  server = await startServer();
  tmp = await mkdtemp(join(tmpdir(), "ffr-names-"));
});
after(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

const notFound = (name: string) => (error: unknown) =>
  isRunnerError(error, "PLUGIN_NOT_FOUND") || assert.fail(`${JSON.stringify(name)}: ${error}`);
/** `info` refuses a name that cannot be a plugin's as a usage error; the sources never look it up. */
const notAName = (name: string) => (error: unknown) =>
  (isRunnerError(error, "USAGE") && /is not a plugin name/.test((error as Error).message)) ||
  assert.fail(`${JSON.stringify(name)}: ${error}`);

test("a registry folder: a name that cannot be a plugin's is refused by name and never looked up (no file system error); a plugin added after a miss is found", async () => {
  const dir = join(tmp, "registry");
  await cp(REGISTRY, dir, { recursive: true });
  const late = join(tmp, "fx-rate-normalizer");
  await cp(join(dir, "plugins", "fx-rate-normalizer"), late, { recursive: true });
  await rm(join(dir, "plugins", "fx-rate-normalizer"), { recursive: true });
  const context = { sources: [createFilesystemSource(dir)] };
  for (const name of NOT_NAMES) {
    await assert.rejects(info(context, name), notAName(name));
    assert.equal(await context.sources[0]?.versions(name), undefined, JSON.stringify(name));
  }
  assert.equal((await info(context, "aws-cost-explorer")).name, "aws-cost-explorer");

  await assert.rejects(info(context, "fx-rate-normalizer"), notFound("fx-rate-normalizer"));
  await cp(late, join(dir, "plugins", "fx-rate-normalizer"), { recursive: true });
  const found = await info(context, "fx-rate-normalizer");
  assert.ok(found.versions.length > 0, "the plugin published after the miss is found");
});

test("a registry over HTTP: a name that cannot be a plugin's is never requested; a plugin published after a miss is found", async () => {
  publish(server, [{ name: "lib", versions: [{ version: "1.0.0" }] }]);
  const context = await testContext(server.url);
  try {
    const [source] = context.sources;
    for (const name of NOT_NAMES) {
      await assert.rejects(info(context, name), notAName(name));
      assert.equal(await source?.versions(name), undefined, JSON.stringify(name));
    }
    assert.deepEqual(
      context.requests.filter((p) => p.includes("/plugins/")),
      [],
      "no plugin document was asked for",
    );
    assert.equal((await info(context, "lib")).name, "lib");

    await assert.rejects(info(context, "late"), notFound("late"));
    publish(server, [
      { name: "lib", versions: [{ version: "1.0.0" }] },
      { name: "late", versions: [{ version: "1.0.0" }] },
    ]);
    const found = await info(context, "late");
    assert.deepEqual(
      found.versions.map((v) => v.version),
      ["1.0.0"],
      "the plugin published after the miss is found",
    );
  } finally {
    await rm(context.tmp, { recursive: true, force: true });
  }
});
