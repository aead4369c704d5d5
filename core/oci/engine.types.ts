/**
 * The container engine port: a `podman` or `docker` command line, run without a shell. Only types
 * here; what is run, with which arguments, is decided in core/oci/engine-args.ts, and
 * runner/container/engine.ts runs it.
 */

/** An engine found on PATH or named by `--container-engine`. */
export interface ContainerEngine {
  /** The command's flavour: both speak the same subcommands used here. */
  kind: "podman" | "docker";
  /** The executable, an absolute path. */
  path: string;
}

/** A plugin's container, as the install state records it. */
export interface ContainerRecord {
  engine: ContainerEngine;
  /** The container's name: `finfocus-plugin-<name>-<version>` (dots as dashes). */
  name: string;
  /** The image reference pinned by digest, as pulled. */
  image: string;
  /** Host ports published on 127.0.0.1 (the manifest's service port). */
  ports: number[];
}
