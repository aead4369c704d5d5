/**
 * Regressions for the disagreements measured between the gate and the runner (#10): each is now
 * decided once in core, and the runner answers with the gate's code.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { validateManifest } from "../../core/validate/validate-manifest.ts";
import { createHttpFetcher } from "../../net/http-fetcher.ts";
import { trustFromRegistryConfig } from "../../runner/config/load-config.ts";
import { isRunnerError } from "../../runner/errors.ts";
import { install } from "../../runner/ops/install.ts";
import { createFilesystemSource } from "../../runner/source/filesystem-source.ts";
import { createGitSource } from "../../runner/source/git-source.ts";
import { createUrlSource } from "../../runner/source/url-source.ts";
import { OpenSSL } from "../signature/helpers/openssl.ts";
import { tarGz } from "./helpers/archives.ts";
import { testContext } from "./helpers/context.ts";
import { defaultArchive, manifestFor, publish } from "./helpers/registry.ts";
import { type StaticServer, startServer } from "./helpers/server.ts";

let server: StaticServer;
let tmp: string;
const ssl = new OpenSSL();
const author = ssl.key("p256");
const caKey = ssl.key("p256");
const ca = ssl.ca(caKey, "Registry CA");
const leaf = ssl.issue(author, "Author", { key: caKey, cert: ca });

before(async () => {
  server = await startServer();
  tmp = await mkdtemp(join(tmpdir(), "ffr-judge-"));
  const chained = defaultArchive("chained", "1.0.0");
  publish(server, [
    {
      name: "weak",
      versions: [
        {
          version: "1.0.0",
          edit: (m) => {
            m.installation.checksum = createHash("md5").update(defaultArchive("weak", "1.0.0")).digest("hex");
            m.installation.checksum_algorithm = "md5";
          },
        },
      ],
    },
    {
      name: "chained",
      keys: [author.publicKey],
      versions: [
        {
          version: "1.0.0",
          archive: chained,
          security_level: "verified",
          edit: (m) => {
            m.security = {
              security_level: "verified",
              signature: ssl.sign(author, chained),
              public_key: author.publicKey,
              certificate_chain: [leaf, ca],
            };
          },
        },
      ],
    },
    { name: "wild", versions: [{ version: "1.0.0", security_level: "untrusted" }] },
    { name: "tame", versions: [{ version: "1.0.0", security_level: "community" }] },
    {
      name: "defaults",
      versions: [
        {
          version: "1.0.0",
          edit: (m) => {
            m.configuration = {
              schema: JSON.stringify({
                type: "object",
                properties: { region: { type: "string" }, api_token: { type: "string" } },
                required: ["region", "api_token"],
              }),
              default_config: JSON.stringify({ region: "eu-west-1" }),
              required_fields: ["api_token"],
            };
          },
        },
      ],
    },
  ]);
});
after(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
  ssl.cleanup();
});

async function ctx(options: Parameters<typeof testContext>[1] = {}) {
  const c = await testContext(server.url, { yes: true, ...options });
  return c;
}

test("an md5 checksum is refused by the gate and by the runner alike (WEAK_CHECKSUM)", async () => {
  const manifest = manifestFor(
    "weak",
    { version: "1.0.0" },
    "https://example.com/weak.tar.gz",
    new Uint8Array(),
  );
  manifest.installation.checksum = "0".repeat(32);
  manifest.installation.checksum_algorithm = "md5";
  manifest.security = { security_level: "community" };
  const gate = validateManifest(Buffer.from(JSON.stringify(manifest)), "weak.json");
  assert.deepEqual(
    gate.findings.map((f) => [f.code, f.severity]),
    [["WEAK_CHECKSUM", "error"]],
  );
  await assert.rejects(install(await ctx(), { plugins: [{ name: "weak" }] }), (e) =>
    isRunnerError(e, "WEAK_CHECKSUM"),
  );
});

test("a certificate_chain to the registry's trusted_cas installs: the CAs reach the runner like the official signers", async () => {
  // Without the registry's CAs the chain cannot be checked: refused with the gate's code.
  await assert.rejects(install(await ctx(), { plugins: [{ name: "chained" }] }), (e) =>
    isRunnerError(e, "CERTIFICATE_CHAIN_INVALID"),
  );
  // Published in the discovery document ...
  const path = "/.well-known/finfocus-registry.json";
  const original = server.files.get(path)!;
  server.files.set(
    path,
    Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(original).toString()), trusted_cas: [ca] })),
  );
  try {
    const r = await install(await ctx(), { plugins: [{ name: "chained" }] });
    assert.equal(r.installed[0]?.signature_kind, "key");
  } finally {
    server.files.set(path, original);
  }
  // ... or given out of band with the registry's config.json.
  const config = join(tmp, "config.json");
  await writeFile(config, JSON.stringify({ name: "r", base_url: "https://r.example", trusted_cas: [ca] }));
  const trust = await trustFromRegistryConfig(config);
  const r = await install(await ctx({ trust }), { plugins: [{ name: "chained" }] });
  assert.equal(r.installed[0]?.signature_kind, "key");
});

test("below min_security_level, untrusted is refused like community: no --yes bypass", async () => {
  const policy = {
    min_security_level: "verified" as const,
    allow_untrusted: false,
    prompt_for_untrusted: true,
  };
  for (const name of ["wild", "tame"]) {
    await assert.rejects(install(await ctx({ policy, yes: true }), { plugins: [{ name }] }), (e) =>
      isRunnerError(e, "SECURITY_POLICY_VIOLATION"),
    );
  }
});

test("default_config is written at install exactly when validate accepts it (required fields may be left out)", async () => {
  const c = await ctx();
  await install(c, { plugins: [{ name: "defaults" }] });
  const written = JSON.parse(
    await readFile(join(c.pluginDir, ".finfocus-registry", "config", "defaults.json"), "utf8"),
  );
  assert.deepEqual(written, { region: "eu-west-1" });
});

test("manifests from filesystem, url and git sources are judged like the gate's before install", async () => {
  const archive = tarGz([{ path: "finfocus-plugin-loose-bad", data: "#!/bin/sh\n", mode: 0o755 }]);
  server.files.set("/loose-bad.tar.gz", archive);
  const bad = manifestFor(
    "loose-bad",
    { version: "1.0.0" },
    `${server.url}/loose-bad.tar.gz`,
    archive,
  ) as unknown as Record<string, unknown>;
  bad.unexpected_field = true; // MANIFEST_INVALID: not a field of the format
  const text = JSON.stringify(bad);
  await mkdir(join(tmp, "fs", "bad"), { recursive: true });
  await writeFile(join(tmp, "fs", "bad", "plugin.json"), text);
  server.files.set("/loose-bad.json", Buffer.from(text));
  const repo = join(tmp, "repo");
  await mkdir(join(repo, "p"), { recursive: true });
  await writeFile(join(repo, "p", "plugin.json"), text);
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], {
      cwd: repo,
      stdio: "pipe",
    });
  git("init", "-q", "-b", "main");
  git("add", ".");
  git("commit", "-q", "-m", "p");
  const fetcher = createHttpFetcher({ allowLoopbackHttp: true, retries: 0 });
  for (const source of [
    createFilesystemSource(join(tmp, "fs"), { allowLoopbackHttp: true }),
    createUrlSource([`${server.url}/loose-bad.json`], fetcher, { allowLoopbackHttp: true }),
    createGitSource(`file://${repo}`, join(tmp, "git-cache"), { allowLoopbackHttp: true }),
  ]) {
    await assert.rejects(
      install(await ctx({ sources: [source] }), { plugins: [{ name: "loose-bad" }] }),
      (e) => {
        assert.ok(isRunnerError(e, "MANIFEST_INVALID"), `${source.kind}: ${e}`);
        return true;
      },
    );
  }
});
