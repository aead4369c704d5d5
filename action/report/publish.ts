import { mkdir, writeFile } from "node:fs/promises";
import * as core from "@actions/core";
import type { GateReport } from "../../core/gate/report.types.ts";
import { renderSummary } from "../../core/gate/summary.ts";
import type { PullRequestEvent } from "../event.ts";
import { COMMENT_MARKER, type GitHubApi } from "../github.ts";
import type { Settings } from "../inputs.ts";
import { annotate } from "./annotations.ts";
import { commentAuthor, upsertComment } from "./comment.ts";

/**
 * Writes the comment body and the PR it is meant for into `dir` (comment.md, pr.json), for a
 * `workflow_run` job to upload and post: that job must treat both as untrusted and check the PR
 * number against the API by head SHA.
 */
async function writeCommentFiles(dir: string, body: string, event: PullRequestEvent): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}/comment.md`, body);
  await writeFile(`${dir}/pr.json`, `${JSON.stringify({ number: event.number, head_sha: event.headSha })}\n`);
}

async function postComment(
  report: GateReport,
  body: string,
  settings: Settings,
  event: PullRequestEvent,
  api: GitHubApi | undefined,
): Promise<void> {
  if (settings.comment === "never" || !api) return;
  if (event.fromFork && settings.eventName === "pull_request") {
    core.info("Fork pull request: the token is read-only, the comment is left for the workflow_run job.");
    return;
  }
  const create = settings.comment === "always" || report.findings.length > 0;
  let author: Awaited<ReturnType<typeof commentAuthor>>;
  try {
    author = await commentAuthor(api, settings.commentAuthor);
  } catch (error) {
    const status = (error as { status?: number }).status;
    core.warning(
      `The token's identity could not be read (${status ? `HTTP ${status}` : (error as Error).message}), so the gate cannot tell its own comment from others: no comment was posted (set the comment-author input); the body is in ${settings.commentDir}.`,
    );
    return;
  }
  try {
    const result = await upsertComment(api, event.number, body, create, author);
    core.info(`PR comment ${result.action}${result.id ? ` (id ${result.id})` : ""}.`);
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 403 || status === 404) {
      core.warning(
        `The token cannot write PR comments (HTTP ${status}); the comment body is in ${settings.commentDir}.`,
      );
      return;
    }
    throw error;
  }
}

/**
 * Puts the auto-merge label on an eligible pull request and takes it off one that is not (a push
 * can make an eligible PR ineligible). A token that cannot label is a warning, never a failure.
 */
async function label(
  report: GateReport,
  settings: Settings,
  event: PullRequestEvent,
  api: GitHubApi | undefined,
): Promise<void> {
  if (!settings.autoMergeLabel || !api || (event.fromFork && settings.eventName === "pull_request")) return;
  const eligible = report.review?.autoMerge.eligible === true;
  try {
    if (eligible) await api.addLabel(event.number, settings.autoMergeLabel);
    else await api.removeLabel(event.number, settings.autoMergeLabel);
    core.info(`Label ${settings.autoMergeLabel} ${eligible ? "added" : "removed (or absent)"}.`);
  } catch (error) {
    const status = (error as { status?: number }).status;
    core.warning(
      `The label ${settings.autoMergeLabel} could not be ${eligible ? "added" : "removed"} (${status ? `HTTP ${status}` : (error as Error).message}).`,
    );
  }
}

/** The sticky PR comment: the summary behind the hidden marker that finds it again. */
export function renderComment(report: GateReport): string {
  return `${COMMENT_MARKER}\n${renderSummary(report)}`;
}

/**
 * Renders one report four ways: annotations, the job summary, the outputs (valid,
 * changed-plugins, findings, summary, comment-file), and in pull-request mode the sticky comment
 * (or its file, for fork PRs).
 */
export async function publish(
  report: GateReport,
  settings: Settings,
  event: PullRequestEvent | undefined,
  api: GitHubApi | undefined,
): Promise<void> {
  annotate(report.findings);
  const summary = renderSummary(report);
  if (settings.stepSummary) await core.summary.addRaw(summary).write();
  core.setOutput("valid", report.valid ? "true" : "false");
  core.setOutput("changed-plugins", JSON.stringify(report.changedPlugins));
  core.setOutput("findings", JSON.stringify(report.findings));
  core.setOutput("summary", summary);
  if (!event) return;
  core.setOutput("auto-merge-eligible", report.review?.autoMerge.eligible ? "true" : "false");
  await label(report, settings, event, api);
  const body = renderComment(report);
  await writeCommentFiles(settings.commentDir, body, event);
  core.setOutput("comment-file", `${settings.commentDir}/comment.md`);
  await postComment(report, body, settings, event, api);
}
