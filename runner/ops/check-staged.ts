import { join } from "node:path";
import { afterInstallCheck, judgeAfterInstall } from "../../core/health/after-install.ts";
import type { RunnerContext } from "../context.ts";
import { RunnerError } from "../errors.ts";
import { checkFolderHealth } from "../health/launched-health.ts";
import { findPluginBinary } from "../install/finfocus-layout.ts";
import { layoutFor } from "../install/layout.ts";
import type { Prepared } from "../install/prepare.ts";
import type { InstalledPlugin } from "../install/state.types.ts";
import { manifestGrant } from "../sandbox/grant.ts";
import { configFile, existingConfigProblems } from "./configure.ts";
import type { InstallHealth } from "./install.types.ts";

/**
 * Before a staged version is committed: on an update, the user's configuration must fit the new
 * version's schema (CONFIG_VALUE_INVALID otherwise); then the health check core decides on
 * (started from the staged folder as the FinFocus CLI would, inside the sandbox its permissions
 * allow, probed, stopped), judged by core: an update whose new version is not healthy is refused
 * with PLUGIN_UNHEALTHY; a plugin core refuses to start unsandboxed, with SANDBOX_UNAVAILABLE.
 */
export async function checkStaged(
  context: RunnerContext,
  item: Prepared,
  dir: string,
  previous: InstalledPlugin | undefined,
  warn: (...warnings: string[]) => void,
  health: InstallHealth[],
): Promise<void> {
  const { name, version } = item.pick;
  const label = `${name}@${version}`;
  const layout = layoutFor(context.pluginDir);
  if (previous) {
    const problems = await existingConfigProblems(layout, item.manifest);
    if (problems.length > 0) {
      throw new RunnerError(
        "CONFIG_VALUE_INVALID",
        `${label}: the configuration of ${name} does not fit this version (${problems.join("; ")}): fix it with \`finfocus-registry config ${name} --set\`; the installed ${previous.version} stays`,
        { name, version, previous_version: previous.version, file: configFile(layout, name), problems },
      );
    }
  }
  const decision = afterInstallCheck(item.manifest, {
    skip: context.healthCheck === false,
    asked: context.healthCheck === true,
    firstInstall: previous === undefined,
    ...(item.engine ? { containerEngine: true } : {}),
  });
  if (decision.kind === "skip") {
    health.push({ name, version, status: "skipped", note: decision.note });
    context.onEvent?.({ kind: "step", plugin: name, message: decision.note });
    return;
  }
  const binary = (await findPluginBinary(dir, name)) ?? join(dir, `finfocus-plugin-${name}`);
  // The grant install records (runner/ops/install.ts): the plugin runs as `run` would start it.
  const grant = manifestGrant(
    name,
    item.manifest,
    item.manifest.security?.permissions ?? [],
    item.manifest.security?.security_level ?? "untrusted",
  );
  // SANDBOX_UNAVAILABLE (core refuses to start it) propagates: nothing is committed.
  const result = await checkFolderHealth(grant, dir, binary, {
    pluginDir: context.pluginDir,
    ...(context.healthLaunchTimeoutMs !== undefined
      ? { launchTimeoutMs: context.healthLaunchTimeoutMs }
      : {}),
  });
  const verdict = judgeAfterInstall(label, result.status, result.error, previous !== undefined);
  if (verdict.kind === "refuse") {
    throw new RunnerError("PLUGIN_UNHEALTHY", verdict.message, {
      name,
      version,
      ...(previous ? { previous_version: previous.version } : {}),
      status: result.status,
      ...(result.error ? { error: result.error } : {}),
    });
  }
  if (verdict.kind === "warn") warn(verdict.message);
  if (result.warning) warn(result.warning);
  health.push({
    name,
    version,
    status: result.status,
    ...(result.launched.sandbox ? { sandbox: result.launched.sandbox } : {}),
  });
  context.onEvent?.({ kind: "step", plugin: name, message: `${label}: ${result.status} after install` });
}
