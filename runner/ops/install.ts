import { lstat, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { githubRepository } from "../../core/finfocus/cli-layout.ts";
import type { ContainerRecord } from "../../core/oci/engine.types.ts";
import { leaveOut, optionalOnly } from "../../core/resolve/optional.ts";
import { isDowngrade } from "../../core/versions/pick.ts";
import { pullAndCreate, removeContainer } from "../container/engine-install.ts";
import type { RunnerContext } from "../context.ts";
import { RunnerError } from "../errors.ts";
import { extractArtifact } from "../install/extract.ts";
import { fileDigests } from "../install/file-digests.ts";
import { noteInstalled } from "../install/finfocus-config-fs.ts";
import { writeInstalledManifests } from "../install/installed-manifest.ts";
import { layoutFor } from "../install/layout.ts";
import { withLock } from "../install/lock.ts";
import { placeVersion, recoverAll } from "../install/place.ts";
import { type Prepared, prepare } from "../install/prepare.ts";
import { preflight } from "../install/safe-dirs.ts";
import { migrationEnv, runScript, scriptCommand } from "../install/scripts.ts";
import { readState } from "../install/state.ts";
import type { InstalledPlugin } from "../install/state.types.ts";
import { currentSystem } from "../install/system.ts";
import { resolvePlan } from "../resolve/resolve.ts";
import { checkStaged } from "./check-staged.ts";
import { configFile, writeDefaultConfig } from "./configure.ts";
import type { InstallHealth, InstallRequest, InstallResult } from "./install.types.ts";
import { assertName } from "./plugin-name.ts";

export type { InstallHealth, InstallRequest, InstallResult } from "./install.types.ts";

/**
 * Resolves, downloads and verifies the whole closure first, and only then installs each plugin
 * (dependencies first), each atomically under its lock: a tampered or failing plugin anywhere in
 * the closure installs nothing.
 */
export async function install(context: RunnerContext, request: InstallRequest): Promise<InstallResult> {
  for (const p of request.plugins) assertName(p.name);
  const layout = layoutFor(context.pluginDir);
  await mkdir(context.pluginDir, { recursive: true });
  await preflight(
    layout,
    request.plugins.map((p) => p.name),
  );
  await recoverAll(layout);
  const state = await readState(layout);
  const installedVersions = Object.fromEntries(Object.values(state.plugins).map((p) => [p.name, p.version]));
  const moving = new Set([...(request.upgrade ?? []), ...request.plugins.map((p) => p.name)]);
  // Installed plugins that stay keep their say over the versions of what they depend on: any
  // name, the ones named here and the ones the closure brings in alike (an install never breaks an
  // installed plugin by moving its dependency out of its range).
  const installedDemands = Object.values(state.plugins)
    .filter((p) => !moving.has(p.name))
    .flatMap((p) =>
      p.dependencies
        .filter((d) => !d.optional)
        .map((d) => ({
          name: d.name,
          constraint: d.version_constraint,
          from: `installed ${p.name}@${p.version}`,
        })),
    );
  const plan = await resolvePlan({
    roots: request.plugins,
    installedDemands,
    sources: context.sources,
    specVersion: context.specVersion,
    installed: installedVersions,
    upgrade: [...(request.upgrade ?? []), ...(request.force ? request.plugins.map((p) => p.name) : [])],
    ...(request.includePrerelease ? { includePrerelease: true } : {}),
  });
  // Each warning once: into the result, and to the listener as it happens (the CLI prints those).
  const warnings: string[] = [];
  const warn = (...items: string[]) => {
    for (const w of items) {
      if (warnings.includes(w)) continue;
      warnings.push(w);
      context.onEvent?.({ kind: "warning", message: w });
    }
  };
  warn(...plan.warnings);
  refuseDowngrades(plan.plugins, state.plugins, request);
  await preflight(
    layout,
    plan.plugins.map((p) => p.name),
  );
  const system = context.system ?? (await currentSystem(context.pluginDir));
  const todo = plan.plugins.filter(
    (p) => !p.alreadyInstalled || (request.force && request.plugins.some((r) => r.name === p.name)),
  );
  // Downloads and verification run a few at a time; questions to the user still come one by one.
  const serial = serialApprovals(context);
  // A plugin only optional dependencies bring in may fail its checks: it is skipped, with one
  // warning, and so is whatever optional plugin requires it (core/resolve/optional.ts).
  const optional = optionalOnly(plan.plugins);
  const failed = new Map<string, unknown>();
  const attempts = await mapPool(todo, 4, (pick) =>
    prepare(serial, pick, system, warn, state.plugins[pick.name]?.permissions ?? []).catch((error) => {
      if (!optional.has(pick.name)) throw error;
      failed.set(pick.name, error);
      return undefined;
    }),
  );
  const left = leaveOut(plan.plugins, optional, failed.keys());
  for (const name of left) {
    const error = failed.get(name);
    const why =
      error instanceof Error
        ? `${(error as { code?: string }).code ?? "error"}: ${error.message}`
        : "a plugin it requires was skipped";
    warn(`optional dependency ${name} was not installed (${why}): skipped`);
  }
  const prepared = attempts.filter((p): p is Prepared => p !== undefined && !left.has(p.pick.name));
  const installed: InstalledPlugin[] = [];
  const health: InstallHealth[] = [];
  for (const item of prepared)
    installed.push(await installPrepared(context, item, state.plugins[item.pick.name], warn, health));
  const unchanged = plan.plugins
    .filter((p) => !todo.includes(p))
    .map((p) => ({ name: p.name, version: p.version }));
  return { installed, health, unchanged, warnings };
}

/**
 * An installed plugin is not replaced by an older version unless asked (I9, as `update` does): a
 * plugin named with its version is asked for; a dependency the closure would move back is
 * refused without `allowDowngrade` (a registry cannot roll back what is installed through
 * another plugin's requirements).
 */
function refuseDowngrades(
  plan: readonly { name: string; version: string }[],
  installed: Readonly<Record<string, { version: string }>>,
  request: InstallRequest,
): void {
  if (request.allowDowngrade) return;
  for (const pick of plan) {
    const current = installed[pick.name]?.version;
    const named = request.plugins.some((r) => r.name === pick.name && r.constraint !== undefined);
    if (current === undefined || named || !isDowngrade(current, pick.version)) continue;
    throw new RunnerError(
      "DOWNGRADE_REFUSED",
      `this install would replace the installed ${pick.name} ${current} with the older ${pick.version} (a plugin it installs requires that): pass --allow-downgrade to accept it, or choose versions that work with ${pick.name} ${current}`,
      { name: pick.name, installed: current, target: pick.version },
    );
  }
}

function serialApprovals(context: RunnerContext): RunnerContext {
  const approve = context.approve;
  if (!approve) return context;
  let queue: Promise<unknown> = Promise.resolve();
  return {
    ...context,
    approve: (approval) => {
      const answer = queue.then(() => approve(approval));
      queue = answer.catch(() => undefined);
      return answer;
    },
  };
}

/** Maps with at most `limit` calls in flight, results in input order; stops starting new work after a failure. */
async function mapPool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function installPrepared(
  context: RunnerContext,
  item: Prepared,
  previous: InstalledPlugin | undefined,
  warn: (...warnings: string[]) => void,
  health: InstallHealth[],
): Promise<InstalledPlugin> {
  const { pick, manifest, bytes, url, outcome } = item;
  const layout = layoutFor(context.pluginDir);
  const files: Record<string, string> = {};
  // A container an engine created for this version: kept only if the version commits.
  const record: { container?: ContainerRecord } = {};
  const installed = await withLock(layout, pick.name, context.lockTimeoutMs, () =>
    placeVersion({
      layout,
      name: pick.name,
      version: pick.version,
      now: () => new Date(context.clock.now()),
      ...(context.hooks ? { hooks: context.hooks } : {}),
      ...(context.lockTimeoutMs !== undefined ? { lockTimeoutMs: context.lockTimeoutMs } : {}),
      populate: async (dir) => {
        const binaryName = `finfocus-plugin-${pick.name}`;
        if (item.engine && context.containerEngine) {
          record.container = await pullAndCreate(
            context.containerEngine,
            manifest,
            configFile(layout, pick.name),
          );
        } else if (item.layers) {
          // A container's layers, in order (each checked against its digest), as root filesystems.
          for (const [i, layer] of item.layers.entries())
            await extractArtifact(layer, `${url} layer ${i}`, dir, binaryName, context.extractLimits, {
              unwrap: false,
            });
        } else {
          const extracted = await extractArtifact(bytes, url, dir, binaryName, context.extractLimits);
          if (extracted.unwrapped !== undefined)
            warn(
              `${pick.name}: the archive wraps every file in one folder (${JSON.stringify(extracted.unwrapped)}/); installed without it, so ${binaryName} sits at the version folder's root`,
            );
          // The FinFocus CLI starts `finfocus-plugin-<name>` from the version folder's root.
          const binary = await lstat(join(dir, binaryName)).catch(() => undefined);
          if (
            manifest.installation.installation_method === "binary" &&
            !(binary?.isFile() && binary.mode & 0o111)
          )
            warn(
              `${pick.name}: the archive has no executable ${binaryName} at its root (${binary === undefined ? "none" : binary.isFile() ? "not executable" : "not a regular file"}): the FinFocus CLI starts the plugin from there and will not find it; ask its author to fix the release`,
            );
        }
        // The verified manifest (and the FinFocus CLI's view of it) replace what the archive brought (I3).
        await writeInstalledManifests(dir, manifest, {
          installed_by: "finfocus-registry",
          source: pick.source?.location ?? "",
          signature: outcome.signature,
          ...(manifest.installation.checksum
            ? {
                checksum: `${manifest.installation.checksum_algorithm ?? "sha256"}:${manifest.installation.checksum}`,
              }
            : {}),
        });
        if (context.allowScripts) {
          const steps = [
            ...(manifest.installation.pre_install_checks ?? []),
            ...(manifest.installation.install_script ? [manifest.installation.install_script] : []),
            ...(manifest.installation.post_install_steps ?? []),
          ];
          // On an update these steps are the migration from the previous version (scripts.ts).
          const env = migrationEnv(pick.version, previous, configFile(layout, pick.name));
          for (const step of steps)
            await runScript(await scriptCommand(step, dir), dir, context.scriptTimeoutMs, env);
        }
        Object.assign(files, await fileDigests(dir));
      },
      // Configured and healthy before anything is committed: else the previous version stays.
      check: (dir) => checkStaged(context, item, dir, previous, warn, health),
      record: {
        explicit: pick.explicit || previous?.explicit === true,
        source: { kind: pick.source?.kind ?? "registry", location: pick.source?.location ?? "" },
        ...(manifest.installation.checksum ? { checksum: manifest.installation.checksum } : {}),
        checksum_algorithm: manifest.installation.checksum_algorithm ?? "sha256",
        security_level: manifest.security?.security_level ?? "untrusted",
        signature_kind: outcome.signature,
        dependencies: (manifest.requirements?.dependencies ?? []).map((d) => ({
          name: d.name,
          version_constraint: d.version_constraint,
          optional: d.optional === true,
        })),
        permissions: manifest.security?.permissions ?? [],
        files,
        about: {
          description: manifest.metadata.description,
          author: manifest.metadata.author,
          capabilities: [...(manifest.specification.capabilities ?? [])],
          ...(manifest.requirements?.min_spec_version
            ? { min_spec_version: manifest.requirements.min_spec_version }
            : {}),
          ...(manifest.requirements?.max_spec_version
            ? { max_spec_version: manifest.requirements.max_spec_version }
            : {}),
        },
        get container() {
          return record.container;
        },
      },
    }),
  ).catch(async (error: unknown) => {
    if (record.container) await removeContainer(record.container).catch(() => undefined);
    throw error;
  });
  // The previous version's container goes once the new version is committed.
  if (previous?.container && previous.container.name !== record.container?.name)
    await removeContainer(previous.container).catch((error: Error) =>
      warn(
        `${pick.name}: the previous container ${previous.container?.name} was not removed: ${error.message}`,
      ),
    );
  warn(...(await writeDefaultConfig(layout, manifest)));
  warn(
    ...(await noteInstalled(layout, context.finfocusConfig, {
      name: pick.name,
      version: pick.version,
      repository: pick.info?.repository ?? githubRepository(manifest.metadata.repository),
    })),
  );
  return installed;
}
