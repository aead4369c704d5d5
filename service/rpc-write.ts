/**
 * InstallPlugin, UpdatePlugin and RemovePlugin over the runner's install, update and remove. Each
 * runs to its end even when the client goes away (the runner installs atomically, under the
 * plugin's lock), so a disconnect leaves the old state or the new one. Approvals come from the
 * approvals file; what is missing comes back as PERMISSION_DENIED naming what to approve.
 */
import { install, isRunnerError, type RunnerContext, RunnerError, remove, update } from "../runner/index.ts";
import { approverFor } from "./approvals.ts";
import type { DaemonState, Handler } from "./daemon.types.ts";
import { pickSources } from "./rpc-read.ts";

type Refused = { plugin: string; grants: string[] }[];

/** The context of one request: the sources it names, and the approvals on file as its only answers. */
function requestContext(
  state: DaemonState,
  refused: Refused,
  sources = [...state.context.sources],
): RunnerContext {
  const { approve: _prompt, ...context } = state.context;
  return { ...context, sources, approve: approverFor(state.approvalsFile, refused) };
}

/** The command that grants what was refused. */
function approveHint(refused: Refused): string {
  return refused.map((r) => `finfocus-registry approve ${r.plugin} ${r.grants.join(" ")}`).join("; ");
}

/** A refusal for want of approval, naming what to approve; other errors as they are. */
async function withApprovals<T>(refused: Refused, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isRunnerError(error, "PERMISSIONS_ERROR") && refused.length > 0) {
      throw new RunnerError(
        "PERMISSIONS_ERROR",
        `${error.message}. Approve ahead of time: ${approveHint(refused)}`,
        { ...error.details, approve: refused },
        { cause: error },
      );
    }
    throw error;
  }
}

export const installPlugin: Handler = async (state, request) => {
  const refused: Refused = [];
  const name = String(request.name ?? "");
  const kinds = request.source && request.source !== "DISCOVERY_SOURCE_UNSPECIFIED" ? [request.source] : [];
  const sources =
    kinds.length > 0 || request.location
      ? pickSources(state, kinds, String(request.location ?? ""))
      : undefined;
  const context = requestContext(state, refused, sources);
  const version = String(request.version ?? "");
  const result = await withApprovals(refused, () =>
    install(context, {
      plugins: [{ name, ...(version ? { constraint: version } : {}) }],
      ...(request.force_install === true ? { force: true } : {}),
    }),
  );
  await state.monitor.refresh();
  const mine = result.installed.find((p) => p.name === name);
  const unchanged = result.unchanged.find((p) => p.name === name);
  const path = mine?.path ?? (await state.monitor.installedPath(name)) ?? "";
  return {
    success: true,
    installed_version: mine?.version ?? unchanged?.version ?? "",
    install_path: path,
    installation_errors: [],
  };
};

export const updatePlugin: Handler = async (state, request) => {
  const refused: Refused = [];
  const name = String(request.name ?? "");
  const target = String(request.target_version ?? "");
  const [outcome] = await withApprovals(refused, () =>
    update(requestContext(state, refused), {
      names: [name],
      ...(target ? { targetVersion: target } : {}),
      ...(request.allow_downgrade === true ? { allowDowngrade: true } : {}),
    }),
  );
  await state.monitor.refresh();
  if (outcome?.status === "minor-declined") {
    throw new RunnerError(
      "PERMISSIONS_ERROR",
      `${name} has a minor update, which needs approval. Approve ahead of time: ${approveHint(refused)}`,
      { name, approve: refused },
    );
  }
  return {
    success: true,
    previous_version: outcome?.previous_version ?? "",
    updated_version: outcome?.updated_version ?? "",
    backup_path: "",
    update_errors: [],
  };
};

export const removePlugin: Handler = async (state, request) => {
  const result = await remove(state.context, {
    name: String(request.name ?? ""),
    ...(request.cleanup_data === true ? { cleanupData: true } : {}),
    ...(request.force_remove === true ? { force: true } : {}),
  });
  await state.monitor.refresh();
  return {
    success: true,
    removed_version: result.removed_version,
    cleanup_paths: result.cleanup_paths,
    removal_errors: [],
  };
};
