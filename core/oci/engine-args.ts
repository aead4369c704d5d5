/**
 * What the runner asks a container engine to do, decided once: the argument lists of every
 * engine call (pull by digest, inspect, create, start, remove) and how the engine's answers read.
 * Nothing here comes from author text that core has not checked first: the image reference is
 * re-assembled from `parseImageReference`'s parts, ports are integers in range, the plugin name
 * and version passed their patterns, and the configuration path is the runner's own.
 */
import type { Manifest } from "../manifest.types.ts";
import { isPluginName } from "../registry/layout.ts";
import { parseImageReference } from "./image.ts";

const VERSION = /^[0-9A-Za-z.+-]{1,128}$/;

/** The pinned reference, re-assembled from its checked parts, or why it is refused. */
export function pinnedReference(text: string): { reference: string; digest: string } | { problem: string } {
  const image = parseImageReference(text);
  if ("problem" in image) return image;
  return { reference: `${image.registry}/${image.repository}@${image.digest}`, digest: image.digest };
}

/** The container's name for a plugin version: `finfocus-plugin-<name>-<version>`, engine-safe. */
export function containerName(name: string, version: string): string {
  if (!isPluginName(name) || !VERSION.test(version))
    throw new TypeError(`not a plugin name and version: ${name} ${version}`);
  return `finfocus-plugin-${name}-${version.replace(/[^0-9A-Za-z-]/g, "-")}`;
}

/** `<image>@sha256:…` only: an engine never pulls by tag here. */
export function pullArgs(reference: string): string[] {
  return ["pull", reference];
}

/** The manifest digests the engine knows the pulled image by (`RepoDigests`), as JSON. */
export function inspectImageArgs(reference: string): string[] {
  return ["image", "inspect", "--format", "{{json .RepoDigests}}", reference];
}

/**
 * Whether the engine's `image inspect` answer names the pinned digest: a JSON array of
 * `repository@sha256:…` strings (docker and podman alike). Anything else is a mismatch.
 */
export function inspectedDigestMatches(output: string, digest: string): boolean {
  let digests: unknown;
  try {
    digests = JSON.parse(output.trim());
  } catch {
    return false;
  }
  return Array.isArray(digests) && digests.some((d) => typeof d === "string" && d.endsWith(`@${digest}`));
}

/** The service port a container publishes, from `service_definition.port` (schema: 1024-65535). */
export function containerPorts(manifest: Manifest): number[] {
  const port = manifest.specification?.service_definition?.port;
  return typeof port === "number" && Number.isInteger(port) && port >= 1024 && port <= 65535 ? [port] : [];
}

/** Where the plugin's configuration is mounted, read-only, inside the container. */
export const CONTAINER_CONFIG_PATH = "/etc/finfocus/plugin-config.json";

/**
 * `create` as the specification shows a container plugin: named for the plugin version, labelled,
 * its service port published on 127.0.0.1 only (and given as FINFOCUS_PLUGIN_PORT, the launch
 * contract), the plugin's configuration file mounted read-only. A path the mount syntax could
 * misread (a comma) is refused.
 */
export function createArgs(request: {
  name: string;
  version: string;
  reference: string;
  ports: number[];
  configFile?: string;
}): string[] {
  const args = [
    "create",
    "--name",
    containerName(request.name, request.version),
    "--label",
    `io.finfocus.plugin=${request.name}`,
    "--label",
    `io.finfocus.version=${request.version}`,
  ];
  for (const port of request.ports) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new TypeError(`not a port: ${port}`);
    args.push("--publish", `127.0.0.1:${port}:${port}`, "--env", `FINFOCUS_PLUGIN_PORT=${port}`);
  }
  if (request.configFile !== undefined) {
    if (!request.configFile.startsWith("/") || /[,\n]/.test(request.configFile))
      throw new TypeError(`not a mountable path: ${request.configFile}`);
    args.push("--mount", `type=bind,source=${request.configFile},target=${CONTAINER_CONFIG_PATH},readonly`);
  }
  args.push(request.reference);
  return args;
}

/** The container's state as the engine reports it (`running`, `created`, `exited`…). */
export function inspectContainerArgs(name: string): string[] {
  return ["container", "inspect", "--format", "{{.State.Status}}", name];
}

/** Stops and removes the container (`rm --force`). */
export function removeContainerArgs(name: string): string[] {
  return ["rm", "--force", name];
}

/** Removes a pulled image whose digest did not match, so nothing is left behind. */
export function removeImageArgs(reference: string): string[] {
  return ["image", "rm", reference];
}
