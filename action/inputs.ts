import * as core from "@actions/core";
import { RegistryError } from "../core/errors.ts";
import { mirrorSetting } from "../core/net/mirror.ts";

/** When to post the sticky PR comment. */
export type CommentMode = "auto" | "always" | "never";

/**
 * Everything the Action reads from its inputs and environment, typed and checked. This is the
 * only module that touches `core.getInput` or `process.env`; the rest of the Action takes these
 * settings as a parameter, so tests and the benchmark can build them directly.
 */
export interface Settings {
  /** Repository-relative path of the registry root (input `registry-path`), without trailing slash. */
  registryPath: string;
  /** Token for the REST API (input `github-token`); empty: no comment, no API fallback. */
  token: string;
  /** Input `comment`: auto (when the token can write), always (even with no findings), never. */
  comment: CommentMode;
  /**
   * Input `comment-author`: whose marked comment the gate updates. `auto` (default) asks the API
   * who the token is; else the login of the token's account (e.g. `github-actions[bot]`).
   */
  commentAuthor: string;
  /** Input `auto-merge-label`: the label put on a PR eligible for auto-merge (and taken off one that is not); empty: none. */
  autoMergeLabel: string;
  /** Input `verify-artifacts`: download each new version's artifact and verify it. */
  verifyArtifacts: boolean;
  /** Input `verify-images`: fetch the document each new container release pins and verify it. */
  verifyImages: boolean;
  /** Input `max-download-mb`, in bytes. */
  maxDownloadBytes: number;
  /** Input `sigstore-trusted-root`: an absolute path, or undefined for the public-good root. */
  sigstoreTrustedRoot?: string;
  /** Input `fail-on`: the lowest severity that fails the job. */
  failOn: "error" | "warning";
  /** Input `artifact-mirror`: a folder (made absolute) or an https URL holding the artifacts by file name. */
  artifactMirror?: string;
  /** Input `allow-loopback-http`: accept http:// to 127.0.0.1, localhost and [::1] (tests only). */
  allowLoopbackHttp: boolean;
  /** GITHUB_EVENT_NAME: pull_request, pull_request_target, push, schedule, workflow_dispatch. */
  eventName: string;
  /** GITHUB_EVENT_PATH: the webhook payload file. */
  eventPath?: string;
  /** GITHUB_WORKSPACE: the checked-out repository (read with git only; PR code is never run). */
  workspace: string;
  /** GITHUB_API_URL, e.g. https://api.github.com or a GHES URL. */
  apiUrl: string;
  /** GITHUB_REPOSITORY: owner/name. */
  repository: string;
  /** Where the PR comment body is written for a `workflow_run` job to post (RUNNER_TEMP based). */
  commentDir: string;
  /** True when GITHUB_STEP_SUMMARY names a file to write the job summary to. */
  stepSummary: boolean;
  /** Where Sigstore TUF metadata is cached (RUNNER_TEMP based). */
  tufCachePath: string;
  /** Per-request timeout for artifact downloads, in milliseconds. */
  downloadTimeoutMs: number;
}

function choice<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
  const raw = core.getInput(name).trim().toLowerCase();
  if (raw === "") return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new RegistryError("USAGE", `Input ${name} must be one of ${allowed.join(", ")}; got "${raw}".`);
}

function bool(name: string, fallback: boolean): boolean {
  const raw = core.getInput(name).trim().toLowerCase();
  if (raw === "") return fallback;
  if (raw === "true") return true;
  if (raw === "false") return false;
  throw new RegistryError("USAGE", `Input ${name} must be true or false; got "${raw}".`);
}

/** Reads and checks every input and the environment. Throws on a malformed input (usage error). */
export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const registryPath = (core.getInput("registry-path") || "registry")
    .replace(/\/+$/, "")
    .replace(/^\.\//, "");
  if (registryPath.startsWith("/") || registryPath.split("/").includes("..")) {
    throw new RegistryError(
      "USAGE",
      `Input registry-path must be a relative path inside the repository; got "${registryPath}".`,
    );
  }
  const mb = Number(core.getInput("max-download-mb") || "200");
  if (!Number.isFinite(mb) || mb <= 0)
    throw new RegistryError("USAGE", "Input max-download-mb must be a positive number.");
  const token = core.getInput("github-token");
  if (token) core.setSecret(token);
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const trustedRoot = core.getInput("sigstore-trusted-root");
  const settings: Settings = {
    registryPath: registryPath || ".",
    token,
    comment: choice("comment", ["auto", "always", "never"], "auto"),
    commentAuthor: core.getInput("comment-author").trim() || "auto",
    autoMergeLabel: core.getInput("auto-merge-label").trim(),
    verifyArtifacts: bool("verify-artifacts", true),
    verifyImages: bool("verify-images", true),
    maxDownloadBytes: Math.floor(mb * 1024 * 1024),
    failOn: choice("fail-on", ["error", "warning"], "error"),
    allowLoopbackHttp: bool("allow-loopback-http", false),
    eventName: env.GITHUB_EVENT_NAME ?? "",
    workspace,
    apiUrl: (env.GITHUB_API_URL || "https://api.github.com").replace(/\/+$/, ""),
    repository: env.GITHUB_REPOSITORY ?? "",
    commentDir: `${env.RUNNER_TEMP || workspace}/finfocus-registry-comment`,
    tufCachePath: `${env.RUNNER_TEMP || workspace}/finfocus-registry-tuf`,
    stepSummary: Boolean(env.GITHUB_STEP_SUMMARY),
    downloadTimeoutMs: 60_000,
  };
  if (env.GITHUB_EVENT_PATH) settings.eventPath = env.GITHUB_EVENT_PATH;
  const mirror = core.getInput("artifact-mirror");
  if (mirror) {
    // The runner's --artifact-mirror meaning too (core/net/mirror.ts): a folder in the workspace, or a base URL.
    const setting = mirrorSetting(mirror, workspace);
    if ("problem" in setting) throw new RegistryError("USAGE", `Input artifact-mirror: ${setting.problem}.`);
    settings.artifactMirror = setting.mirror;
  }
  if (trustedRoot)
    settings.sigstoreTrustedRoot = trustedRoot.startsWith("/") ? trustedRoot : `${workspace}/${trustedRoot}`;
  return settings;
}
