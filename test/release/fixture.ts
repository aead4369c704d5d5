/**
 * The world of the release Action's tests: a plugin repository with releases, a registry
 * repository (real git, behind the loopback API) whose cost-aws plugin pins a Sigstore identity and
 * a key, a loopback Sigstore instance, and the environment a runner gives the Action.
 */

import { execFileSync } from "node:child_process";
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ALICE, configJson, entryJson, manifestJson } from "../action/fixture.ts";
import { type RunResult, runAction } from "../action/harness.ts";
import { type FakeGitHub, fakeGitHub } from "./fake-github.ts";
import { bareRepo, gitText } from "./git-store.ts";
import { type ReleaseRunOptions, runRelease } from "./harness.ts";
import { type SigstoreLoopback, sigstoreLoopback } from "./sigstore-loopback.ts";

export const ISSUER = "https://token.actions.githubusercontent.com";
export const IDENTITY =
  "https://github.com/acme/cost-aws/.github/workflows/plugin-release.yml@refs/heads/main";
export const REGISTRY = "finfocus/registry";
export const PLUGIN = "acme/cost-aws";
export const REGISTRY_TOKEN = "registry-token-alice";
export const PLUGIN_TOKEN = "plugin-token";
export const BOT = { id: 41898282, login: "github-actions[bot]" };

/** The signing key an author keeps in a secret; its public half is pinned in entry.json. */
export const KEY = generateKeyPairSync("ec", {
  namedCurve: "P-256",
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});

export const bytesOf = (text: string): Uint8Array => new TextEncoder().encode(text);

/** The manifest template an author checks in as .finfocus/manifest.json. */
export function template(overrides: Record<string, unknown> = {}): string {
  const manifest = JSON.parse(manifestJson("cost-aws", "0.0.0", {})) as Record<
    string,
    Record<string, unknown>
  >;
  manifest.metadata!.repository = "https://github.com/acme/cost-aws";
  manifest.security = { security_level: "verified", permissions: ["network_access"] };
  return `${JSON.stringify({ ...manifest, ...overrides }, null, 2)}\n`;
}

export interface World {
  gh: FakeGitHub;
  sigstore: SigstoreLoopback;
  registryDir: string;
  close(): Promise<void>;
}

/** Starts the fake API and Sigstore, creates the registry repository and the plugin's release v1.0.0. */
export async function world(): Promise<World> {
  const gh = await fakeGitHub();
  const sigstore = await sigstoreLoopback({ identity: IDENTITY, issuer: ISSUER });
  gh.tokens[REGISTRY_TOKEN] = { id: ALICE.github_id, login: ALICE.login };
  gh.tokens[PLUGIN_TOKEN] = BOT;
  const v1 = bytesOf("cost-aws 1.0.0 archive");
  gh.releases.set(PLUGIN, [
    { id: 1, tag: "v1.0.0", assets: [{ id: 11, name: "cost-aws_1.0.0.tar.gz", bytes: v1 }] },
  ]);
  const registry = await bareRepo({
    "registry/config.json": configJson({ sigstore_trusted_root: "trust/root.json" }),
    "registry/trust/root.json": `${JSON.stringify(sigstore.trustedRoot, null, 2)}\n`,
    "registry/plugins/cost-aws/entry.json": entryJson("cost-aws", [ALICE], {
      signers: { keys: [KEY.publicKey], sigstore: [{ issuer: ISSUER, identity: IDENTITY }] },
    }),
    // Published at level verified, key-signed: later versions keep that level (no maintainer needed).
    "registry/plugins/cost-aws/versions/1.0.0.json": manifestJson("cost-aws", "1.0.0", {
      url: `${gh.url}/${PLUGIN}/releases/download/v1.0.0/cost-aws_1.0.0.tar.gz`,
      checksum: createHash("sha256").update(v1).digest("hex"),
      security: {
        security_level: "verified",
        signature: sign("sha256", v1, KEY.privateKey).toString("base64"),
        public_key: KEY.publicKey,
      },
    }),
  });
  gh.repos.set(REGISTRY, { dir: registry.dir, defaultBranch: "main" });
  return {
    gh,
    sigstore,
    registryDir: registry.dir,
    async close() {
      await gh.close();
      await sigstore.close();
      registry.cleanup();
    },
  };
}

/** Adds a release of the plugin with the given assets; returns its release-event payload. */
export function addRelease(
  w: World,
  tag: string,
  assets: Record<string, string> = {},
): Record<string, unknown> {
  const list = w.gh.releases.get(PLUGIN)!;
  const id = list.length + 1;
  list.push({
    id,
    tag,
    assets: Object.entries(assets).map(([name, text], i) => ({
      id: id * 10 + i,
      name,
      bytes: bytesOf(text),
    })),
  });
  return { action: "published", release: w.gh.releasePayload(PLUGIN, tag) };
}

/** How one run differs from the usual: the plugin's checkout, the event, environment left out. */
export interface RunOptions {
  workspace?: ReleaseRunOptions["workspace"];
  eventName?: string;
  repository?: string;
  /** Variables of the runner's environment to leave out (e.g. the OIDC token request URL). */
  without?: string[];
}

/** Runs the release Action with the world's loopback services and the usual inputs. */
export function release(w: World, event: unknown, inputs: Record<string, string> = {}, o: RunOptions = {}) {
  const env: Record<string, string> = {
    GITHUB_REPOSITORY: o.repository ?? PLUGIN,
    GITHUB_API_URL: w.gh.url,
    GITHUB_SERVER_URL: w.gh.url,
    ACTIONS_ID_TOKEN_REQUEST_URL: w.sigstore.tokenUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: "oidc-request-token",
  };
  for (const name of o.without ?? []) delete env[name];
  return runRelease({
    workspace: o.workspace ?? { ".finfocus/manifest.json": template() },
    event,
    eventName: o.eventName ?? "release",
    inputs: {
      registry: REGISTRY,
      "registry-token": REGISTRY_TOKEN,
      "github-token": PLUGIN_TOKEN,
      "fulcio-url": w.sigstore.fulcioUrl,
      "rekor-url": w.sigstore.rekorUrl,
      ...inputs,
    },
    env,
  });
}

/** The registry's files at a ref of a repository the fake holds. */
export async function fileAt(dir: string, ref: string, path: string): Promise<string | undefined> {
  return gitText(dir, ["show", `${ref}:${path}`]).catch(() => undefined);
}

/**
 * The registry's own gate (the committed dist/index.js) on the pull request the release Action
 * opened: a clone of the registry with the PR's head fetched from `headDir`, checked base...head
 * with the PR's author, downloading the artifact from the loopback release.
 */
export async function gateOnPull(
  w: World,
  headDir: string,
  branch: string,
  author = ALICE,
): Promise<RunResult> {
  const workspace = mkdtempSync(join(tmpdir(), "release-gate-"));
  try {
    execFileSync("git", ["clone", "-q", w.registryDir, workspace]);
    execFileSync("git", ["fetch", "-q", headDir, `refs/heads/${branch}`], { cwd: workspace });
    const headSha = await gitText(workspace, ["rev-parse", "FETCH_HEAD"]);
    const baseSha = await gitText(workspace, ["rev-parse", "origin/main"]);
    const event = {
      action: "opened",
      number: 1,
      pull_request: {
        number: 1,
        user: { id: author.github_id, login: author.login },
        base: { sha: baseSha, ref: "main", repo: { full_name: REGISTRY } },
        head: { sha: headSha, ref: branch, repo: { full_name: REGISTRY } },
      },
    };
    return await runAction({ workspace, event, inputs: { "allow-loopback-http": "true" } });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}
