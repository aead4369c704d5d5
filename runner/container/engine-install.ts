/**
 * Container installs through an engine (podman or docker): the engine pulls the image by the
 * digest the manifest pins, the digest it reports must be that one (else the image is removed and
 * the install refused), and the container is created as core/oci/engine-args.ts decides.
 */
import { stat } from "node:fs/promises";
import type { Manifest } from "../../core/manifest.types.ts";
import type { ContainerEngine, ContainerRecord } from "../../core/oci/engine.types.ts";
import {
  containerName,
  containerPorts,
  createArgs,
  inspectContainerArgs,
  inspectedDigestMatches,
  inspectImageArgs,
  pinnedReference,
  pullArgs,
  removeContainerArgs,
  removeImageArgs,
} from "../../core/oci/engine-args.ts";
import { RunnerError } from "../errors.ts";
import { runEngine } from "./engine.ts";

/** Pulls by digest, checks the digest the engine reports, creates the container; returns its record. */
export async function pullAndCreate(
  engine: ContainerEngine,
  manifest: Manifest,
  configFile: string,
): Promise<ContainerRecord> {
  const { name, version } = manifest.metadata;
  const pinned = pinnedReference(manifest.installation.download_url ?? "");
  if ("problem" in pinned) throw new RunnerError("IMAGE_DIGEST_REQUIRED", pinned.problem, { name, version });
  const { reference, digest } = pinned;
  await runEngine(engine, pullArgs(reference));
  const reported = await runEngine(engine, inspectImageArgs(reference));
  if (!inspectedDigestMatches(reported, digest)) {
    await runEngine(engine, removeImageArgs(reference)).catch(() => undefined);
    throw new RunnerError(
      "IMAGE_DIGEST_MISMATCH",
      `${name}@${version}: ${engine.kind} reports ${reported.trim().slice(0, 300) || "no digest"} for ${reference}, not ${digest}: refused, the image removed`,
      { name, version, reference, digest },
    );
  }
  const container = containerName(name, version);
  // A leftover of an earlier attempt at this very version would block the name.
  await runEngine(engine, removeContainerArgs(container)).catch(() => undefined);
  const ports = containerPorts(manifest);
  const hasConfig = (await stat(configFile).catch(() => undefined))?.isFile() === true;
  await runEngine(
    engine,
    createArgs({ name, version, reference, ports, ...(hasConfig ? { configFile } : {}) }),
  );
  return { engine, name: container, image: reference, ports };
}

/** Stops and removes a recorded container (`rm --force`); gone already is fine. */
export async function removeContainer(record: ContainerRecord): Promise<void> {
  const state = await containerState(record);
  if (state === undefined) return;
  await runEngine(record.engine, removeContainerArgs(record.name));
}

/** The container's state as the engine reports it (`running`, `created`, `exited`…), undefined when it has none. */
export async function containerState(record: ContainerRecord): Promise<string | undefined> {
  try {
    return (await runEngine(record.engine, inspectContainerArgs(record.name), 30_000)).trim();
  } catch {
    return undefined;
  }
}
