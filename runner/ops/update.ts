import { isDowngrade, updateTargets } from "../../core/versions/pick.ts";
import { registryVersionProblem } from "../../core/versions/registry-version.ts";
import type { RunnerContext } from "../context.ts";
import { RunnerError } from "../errors.ts";
import { layoutFor } from "../install/layout.ts";
import { recoverAll } from "../install/place.ts";
import { readState } from "../install/state.ts";
import { install } from "./install.ts";
import { assertName } from "./plugin-name.ts";

/** The spec's UpdatePlugin, for one plugin or (no names) every plugin the user installed. */
export interface UpdateRequest {
  names?: string[];
  /** An exact version to move to (one name only). */
  targetVersion?: string;
  allowDowngrade?: boolean;
  /** Major updates happen only when asked. */
  allowMajor?: boolean;
  includePrerelease?: boolean;
}

export interface UpdateOutcome {
  name: string;
  previous_version: string;
  updated_version: string;
  /** "updated", "up-to-date", or "minor-declined" (a minor update exists and was not confirmed). */
  status: "updated" | "up-to-date" | "minor-declined";
  available_major?: string;
}

/**
 * Updates per the spec's rules: patch releases automatically, minor ones with confirmation
 * (`--yes` or the approve callback), major ones only with `allowMajor`; an older target is refused
 * without `allowDowngrade` (I9). The new version installs atomically beside the old one, so a
 * failure leaves the old version in place.
 */
export async function update(context: RunnerContext, request: UpdateRequest = {}): Promise<UpdateOutcome[]> {
  const layout = layoutFor(context.pluginDir);
  await recoverAll(layout);
  const state = await readState(layout);
  const names = request.names?.length
    ? request.names
    : Object.values(state.plugins)
        .filter((p) => p.explicit)
        .map((p) => p.name);
  for (const name of names) assertName(name);
  if (request.targetVersion && names.length !== 1) {
    throw new RunnerError("USAGE", "A target version needs exactly one plugin name", {});
  }
  // The target is one exact version (a range is install's business): core's rule for versions.
  const targetProblem = request.targetVersion ? registryVersionProblem(request.targetVersion) : undefined;
  if (targetProblem)
    throw new RunnerError("USAGE", `An update moves to one exact version (NAME@1.2.3): ${targetProblem}`, {
      version: request.targetVersion,
    });
  const outcomes: UpdateOutcome[] = [];
  // A newer major the request did not allow: every outcome for that plugin says so.
  const majors = new Map<string, string>();
  for (const name of names) {
    const current = state.plugins[name];
    if (!current) throw new RunnerError("NOT_INSTALLED", `${name} is not installed`, { name });
    const target =
      request.targetVersion ??
      (await chooseTarget(context, name, current.version, request, outcomes, majors));
    if (target === undefined) continue;
    if (isDowngrade(current.version, target) && !request.allowDowngrade) {
      throw new RunnerError(
        "DOWNGRADE_REFUSED",
        `${name} ${target} is older than the installed ${current.version}: pass --allow-downgrade`,
        { name, installed: current.version, target },
      );
    }
    const major = majors.get(name);
    const availableMajor = major ? { available_major: major } : {};
    if (target === current.version) {
      outcomes.push({
        name,
        previous_version: current.version,
        updated_version: target,
        status: "up-to-date",
        ...availableMajor,
      });
      continue;
    }
    await install(context, {
      plugins: [{ name, constraint: target }],
      upgrade: [name],
      ...(request.includePrerelease ? { includePrerelease: true } : {}),
      ...(request.allowDowngrade ? { allowDowngrade: true } : {}),
    });
    outcomes.push({
      name,
      previous_version: current.version,
      updated_version: target,
      status: "updated",
      ...availableMajor,
    });
  }
  return outcomes;
}

async function chooseTarget(
  context: RunnerContext,
  name: string,
  installed: string,
  request: UpdateRequest,
  outcomes: UpdateOutcome[],
  majors: Map<string, string>,
): Promise<string | undefined> {
  let info: Awaited<ReturnType<RunnerContext["sources"][number]["versions"]>>;
  for (const source of context.sources) {
    info = await source.versions(name);
    if (info) break;
  }
  if (!info)
    throw new RunnerError("PLUGIN_NOT_FOUND", `No source has ${name}`, { name, available_versions: [] });
  const targets = updateTargets(installed, info.versions, {
    specVersion: context.specVersion,
    ...(request.includePrerelease ? { includePrerelease: true } : {}),
  });
  if (request.allowMajor && targets.major) return targets.major;
  if (targets.major) majors.set(name, targets.major);
  if (targets.minor) {
    const ok =
      context.yes ||
      (await context.approve?.({
        kind: "minor-update",
        plugin: name,
        question: `Update ${name} from ${installed} to ${targets.minor} (a minor release)?`,
      }));
    if (ok) return targets.minor;
    if (targets.patch === installed) {
      outcomes.push({
        name,
        previous_version: installed,
        updated_version: installed,
        status: "minor-declined",
        ...(targets.major ? { available_major: targets.major } : {}),
      });
      return undefined;
    }
  }
  return targets.patch;
}
