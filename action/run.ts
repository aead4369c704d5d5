import { format } from "node:util";
import * as core from "@actions/core";
import { failing } from "../core/findings.ts";
import { actionsLogText } from "../core/text/actions-log.ts";
import { readEvent } from "./event.ts";
import { checkFull } from "./full-mode.ts";
import { gitHubApi } from "./github.ts";
import { readSettings } from "./inputs.ts";
import { checkPullRequest } from "./pr-mode.ts";
import { publish } from "./report/publish.ts";

/**
 * Routes what libraries print through `console` (ajv's warnings quote a plugin author's schema;
 * others may quote server answers) to the log through the same filter as the Action's own text,
 * so no line they print can be a workflow command.
 */
function guardConsole(): void {
  const log = (...args: unknown[]) => core.info(actionsLogText(format(...args)));
  for (const name of ["log", "info", "debug", "warn", "error", "trace"] as const) console[name] = log;
}

/**
 * The Action: read settings and the event, check the pull request (or, on push and schedule,
 * the whole registry), report. The single top-level catch turns an environment or usage
 * problem into a failed step with its code; findings never throw.
 */
export async function run(): Promise<void> {
  guardConsole();
  try {
    const settings = readSettings();
    const event = await readEvent(settings.eventName, settings.eventPath);
    const api = settings.token ? gitHubApi(settings.token, settings.apiUrl, settings.repository) : undefined;
    const report =
      event.kind === "pull_request"
        ? await checkPullRequest(settings, event, api)
        : await checkFull(settings, event);
    await publish(report, settings, event.kind === "pull_request" ? event : undefined, api);
    if (!report.valid) {
      core.setFailed(
        `The registry gate found ${failing(report.findings, report.failOn).length} problem(s); see the annotations and the job summary.`,
      );
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    core.setFailed(actionsLogText(`${typeof code === "string" ? `${code}: ` : ""}${message}`));
    if (core.isDebug() && error instanceof Error && error.stack) core.debug(actionsLogText(error.stack));
  }
}
