/**
 * The project's own default registry, served: `finfocus-registry build` writes the static API
 * from registry/ into a temp folder, and a loopback server serves it with demo/artifacts/ under
 * /artifacts/. For tests that install the real, signed demo archives.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { type StaticServer, startServer } from "./server.ts";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** The generator, registry/ and demo/artifacts/ are all on this branch. */
export const defaultRegistryReady =
  existsSync(join(repoRoot, "registry/config.json")) &&
  existsSync(join(repoRoot, "demo/artifacts")) &&
  existsSync(join(repoRoot, "cli/commands/build.ts"));

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = await Promise.all(
    entries.map((e) => (e.isDirectory() ? walk(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))),
  );
  return files.flat();
}

/** Builds registry/ and serves it with the demo artifacts; `close` stops it and removes the build. */
export async function serveDefaultRegistry(): Promise<StaticServer> {
  const out = await mkdtemp(join(tmpdir(), "ffr-demo-"));
  const bin = join(repoRoot, "bin/finfocus-registry.js");
  const built = spawnSync(
    process.execPath,
    [bin, "build", "--registry", join(repoRoot, "registry"), "--out", join(out, "dist"), "--no-site"],
    { encoding: "utf8" },
  );
  assert.equal(built.status, 0, built.stderr);
  const server = await startServer();
  for (const file of await walk(join(out, "dist")))
    server.files.set(`/${relative(join(out, "dist"), file)}`, await readFile(file));
  for (const file of await walk(join(repoRoot, "demo/artifacts")))
    server.files.set(`/artifacts/${relative(join(repoRoot, "demo/artifacts"), file)}`, await readFile(file));
  const close = server.close;
  server.close = async () => {
    await close();
    await rm(out, { recursive: true, force: true });
  };
  return server;
}
