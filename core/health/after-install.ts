import type { Manifest } from "../manifest.types.ts";
import type { HealthState } from "./health.types.ts";

/**
 * The port a plugin's service listens on, as its manifest names it (`service_definition.port`).
 * A plugin "runs a service" when it names one: the daemon's monitor checks exactly those on an
 * interval, and the runner checks exactly those after an install.
 */
export function servicePort(manifest: Pick<Manifest, "specification"> | undefined): number | undefined {
  const port = manifest?.specification?.service_definition?.port;
  return typeof port === "number" && Number.isInteger(port) && port > 0 && port <= 65535 ? port : undefined;
}

/** What to do after a plugin is placed in staging: start it and probe it, or skip (with the reason). */
export type AfterInstallCheck = { kind: "probe"; port: number } | { kind: "skip"; note: string };

/**
 * The health check after an install or update (#11 point 4): a plugin that runs a service is
 * started from its new version folder and probed before anything is committed; any other plugin,
 * one whose manifest turns health checks off, and any plugin when the user asked to skip, gets a
 * note saying why nothing was checked. Starting it runs the plugin's code, so, like install
 * scripts, that happens only with the user's say: an update checks by default (the user already
 * runs this plugin, and the check is what lets the previous version stay), a first install only
 * when asked (`--health-check`).
 */
export function afterInstallCheck(
  manifest: Manifest,
  options: { skip?: boolean; asked?: boolean; firstInstall?: boolean; containerEngine?: boolean } = {},
): AfterInstallCheck {
  const name = manifest.metadata.name;
  if (options.skip) return { kind: "skip", note: `${name}: health check skipped (--no-health-check)` };
  if (options.firstInstall && !options.asked)
    return {
      kind: "skip",
      note: `${name}: not started after a first install (that runs its code): \`health ${name} --launch\` or \`install --health-check\` checks it`,
    };
  if (manifest.specification?.observability_support?.health_checks_enabled === false)
    return {
      kind: "skip",
      note: `${name}: no health check (its manifest sets health_checks_enabled: false)`,
    };
  if (manifest.installation.installation_method === "container")
    return {
      kind: "skip",
      note: options.containerEngine
        ? `${name}: no health check yet (its container is created, not started: \`health ${name}\` checks it once started)`
        : `${name}: no health check (a container image is unpacked, not started, by the built-in pull)`,
    };
  const port = servicePort(manifest);
  if (port === undefined) {
    return {
      kind: "skip",
      note: `${name}: no health check (it runs no service: its service_definition names no port; the FinFocus CLI starts it on demand, \`health ${name} --launch\` checks it)`,
    };
  }
  return { kind: "probe", port };
}

/** What a probe's state means for the operation under way. */
export type AfterInstallVerdict =
  | { kind: "healthy" }
  /** The new version is not committed: an update keeps its previous version. */
  | { kind: "refuse"; message: string }
  /** A first install stays, with this warning. */
  | { kind: "warn"; message: string };

/**
 * Healthy and Warning (slow) pass. Otherwise an update is refused, so the previous version stays
 * (the specification's rollback); a first install has nothing to fall back to and a service often
 * needs its configuration before it serves, so it stays installed with a warning naming the fix.
 */
export function judgeAfterInstall(
  label: string,
  state: HealthState,
  error: string | undefined,
  updating: boolean,
): AfterInstallVerdict {
  if (state === "Healthy" || state === "Warning") return { kind: "healthy" };
  const why = `${label} is ${state} after install${error ? ` (${error.slice(0, 300)})` : ""}`;
  if (updating)
    return { kind: "refuse", message: `${why}: the update was rolled back, the previous version stays` };
  return {
    kind: "warn",
    message: `${why}: installed anyway; configure it (\`finfocus-registry config\`) and check it with \`finfocus-registry health --launch\``,
  };
}
