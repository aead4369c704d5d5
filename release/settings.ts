import { isAbsolute, join } from "node:path";
import * as core from "@actions/core";

/** A repository named `owner/name`. */
export interface RepoName {
  owner: string;
  repo: string;
}

/** How the artifact is signed: keyless Sigstore (GitHub's OIDC token), a key from a secret, or not. */
export type SigningMode = "keyless" | "key" | "none";

/**
 * Everything the release Action reads from its inputs and environment, typed and checked. This is
 * the only module that touches `core.getInput` or `process.env`; the rest takes these settings as
 * a parameter.
 */
export interface ReleaseSettings {
  /** Input `registry`: the registry repository the pull request is opened on. */
  registry: RepoName;
  /** Input `registry-path`: the registry root inside that repository, without trailing slash. */
  registryPath: string;
  /** Input `registry-branch`: the branch the pull request targets; undefined: the default branch. */
  registryBranch?: string;
  /** Input `fork`: where the branch is pushed (a fork the token can write); else the registry itself. */
  pushTo: RepoName;
  /** Input `registry-token`: reads the registry, pushes the branch, opens the pull request. */
  registryToken: string;
  /** Input `github-token`: reads (and, for `artifact-path`, uploads) this repository's release assets. */
  githubToken: string;
  /** Input `manifest-template`, absolute. */
  manifestTemplate: string;
  /** Input `entry-template`, absolute: used only for a plugin's first version. */
  entryTemplate: string;
  /** Input `artifact`: the release asset's name; `{version}` and `{tag}` are replaced. */
  artifact?: string;
  /** Input `artifact-path`, absolute: a file an earlier step built, uploaded to the release. */
  artifactPath?: string;
  /** Input `signing`. */
  signing: SigningMode;
  /** Input `signing-key`: a PEM private key (from a secret), for `signing: key`. */
  signingKey?: string;
  /** Input `signing-key-passphrase`, for an encrypted `signing-key`. */
  signingKeyPassphrase?: string;
  /** Inputs `fulcio-url` and `rekor-url`: the Sigstore instance (default: public-good). */
  fulcioUrl: string;
  rekorUrl: string;
  /** Input `sigstore-trusted-root`, absolute; else the registry config's, else public-good. */
  sigstoreTrustedRoot?: string;
  /** Input `dry-run`: check and write the files, open no pull request, upload nothing. */
  dryRun: boolean;
  /** GITHUB_WORKSPACE. */
  workspace: string;
  /** Where the manifest and bundle are written (RUNNER_TEMP based). */
  outDir: string;
  /** Where Sigstore TUF metadata is cached. */
  tufCachePath: string;
  /** GITHUB_API_URL and GITHUB_SERVER_URL (github.com or GHES). */
  apiUrl: string;
  serverUrl: string;
}

const REPO = /^([A-Za-z0-9][A-Za-z0-9-]*)\/([A-Za-z0-9._-]+)$/;

function repoName(input: string, value: string): RepoName {
  const m = REPO.exec(value.trim());
  if (!m) throw new Error(`Input ${input} must be a repository as owner/name; got "${value}".`);
  return { owner: m[1]!, repo: m[2]! };
}

function bool(name: string, fallback: boolean): boolean {
  const raw = core.getInput(name).trim().toLowerCase();
  if (raw === "") return fallback;
  if (raw === "true" || raw === "false") return raw === "true";
  throw new Error(`Input ${name} must be true or false; got "${raw}".`);
}

function secret(name: string): string {
  const value = core.getInput(name);
  if (value) core.setSecret(value);
  return value;
}

/** Reads and checks every input and the environment. Throws on a malformed input (usage error). */
export function readSettings(env: NodeJS.ProcessEnv = process.env): ReleaseSettings {
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const temp = env.RUNNER_TEMP || workspace;
  const inWorkspace = (p: string): string => (isAbsolute(p) ? p : join(workspace, p));
  const registry = repoName("registry", core.getInput("registry", { required: true }));
  const registryPath = (core.getInput("registry-path") || "registry")
    .replace(/^\.\//, "")
    .replace(/\/+$/, "");
  if (registryPath.startsWith("/") || registryPath.split("/").includes(".."))
    throw new Error(`Input registry-path must be a relative path; got "${registryPath}".`);
  const signing = (core.getInput("signing") || "keyless").trim().toLowerCase();
  if (signing !== "keyless" && signing !== "key" && signing !== "none")
    throw new Error(`Input signing must be keyless, key or none; got "${signing}".`);
  const artifact = core.getInput("artifact");
  const artifactPath = core.getInput("artifact-path");
  if (artifact && artifactPath) throw new Error("Give either artifact or artifact-path, not both.");
  const signingKey = secret("signing-key");
  if (signing === "key" && !signingKey)
    throw new Error("signing: key needs the signing-key input (a PEM private key from a secret).");
  const settings: ReleaseSettings = {
    registry,
    registryPath: registryPath || ".",
    pushTo: core.getInput("fork") ? repoName("fork", core.getInput("fork")) : registry,
    registryToken: secret("registry-token"),
    githubToken: secret("github-token"),
    manifestTemplate: inWorkspace(core.getInput("manifest-template") || ".finfocus/manifest.json"),
    entryTemplate: inWorkspace(core.getInput("entry-template") || ".finfocus/entry.json"),
    signing,
    fulcioUrl: core.getInput("fulcio-url") || "https://fulcio.sigstore.dev",
    rekorUrl: core.getInput("rekor-url") || "https://rekor.sigstore.dev",
    dryRun: bool("dry-run", false),
    workspace,
    outDir: join(temp, "finfocus-release"),
    tufCachePath: join(temp, "finfocus-registry-tuf"),
    apiUrl: (env.GITHUB_API_URL || "https://api.github.com").replace(/\/+$/, ""),
    serverUrl: (env.GITHUB_SERVER_URL || "https://github.com").replace(/\/+$/, ""),
  };
  if (!settings.registryToken && !settings.dryRun)
    throw new Error("Input registry-token is required to open the pull request (or set dry-run: true).");
  const branch = core.getInput("registry-branch");
  if (branch) settings.registryBranch = branch;
  if (artifact) settings.artifact = artifact;
  if (artifactPath) settings.artifactPath = inWorkspace(artifactPath);
  if (signingKey) settings.signingKey = signingKey;
  const passphrase = secret("signing-key-passphrase");
  if (passphrase) settings.signingKeyPassphrase = passphrase;
  const root = core.getInput("sigstore-trusted-root");
  if (root) settings.sigstoreTrustedRoot = inWorkspace(root);
  return settings;
}
