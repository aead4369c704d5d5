/**
 * The key-management steps behind `finfocus-registry tuf init|sign|rotate`, over the keys folder
 * (tuf-keys-fs.ts) and a built site's metadata (tuf-fs.ts). Decisions (thresholds, versions,
 * expiry, who signs) are core's (core/tuf/); this file only creates keys and moves bytes.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Metadata, Root } from "@tufjs/models";
import { RegistryError } from "../core/errors.ts";
import { generateTufKey, type TufSigner } from "../core/tuf/keys.ts";
import type { TargetEntry } from "../core/tuf/repository.ts";
import { makeRoot, type RoleKeys, roleKeys, rotatedRoot, signRole } from "../core/tuf/root.ts";
import { TOP_ROLES, type TopRole, TUF_METADATA_PATH } from "../core/tuf/tuf-layout.ts";
import { readPublished, type TufWriteReport, writeTufMetadata } from "./tuf-fs.ts";
import { readTufKeys, writePrivateKey, writeRoot } from "./tuf-keys-fs.ts";

export interface InitOptions {
  /** Keys per role (default 1 each). */
  keys?: Partial<Record<TopRole, number>>;
  /** Threshold per role (default 1 each). */
  thresholds?: Partial<Record<TopRole, number>>;
  now?: Date;
}

/** `count` new key pairs, in memory until `save` writes them (after the root that names them is signed). */
function newKeys(dir: string, count: number): { spec: TufSigner[]; save: () => string[] } {
  const made = Array.from({ length: count }, () => generateTufKey());
  return {
    spec: made.map((m) => m.signer),
    save: () => made.map((m) => writePrivateKey(dir, m.signer.key.keyID, m.pem)),
  };
}

/** Creates `dir` with a key pair per role key and `root/1.root.json` signed by the root keys. */
export function initTufKeys(dir: string, options: InitOptions = {}): { root: string; keyFiles: string[] } {
  if (existsSync(join(dir, "root", "1.root.json"))) {
    throw new RegistryError(
      "TUF_METADATA_INVALID",
      `${dir} holds a root already: use \`tuf rotate\` to change keys`,
      {
        details: { dir },
      },
    );
  }
  const now = options.now ?? new Date();
  const signers: TufSigner[] = [];
  const saves: (() => string[])[] = [];
  const roles = {} as Record<TopRole, RoleKeys>;
  for (const role of TOP_ROLES) {
    const made = newKeys(dir, options.keys?.[role] ?? 1);
    signers.push(...made.spec);
    saves.push(made.save);
    roles[role] = { keys: made.spec.map((s) => s.key), threshold: options.thresholds?.[role] ?? 1 };
  }
  const root = makeRoot(roles, 1, now);
  signRole(root, "root", roles.root, signers);
  const keyFiles = saves.flatMap((save) => save());
  return { root: writeRoot(dir, root), keyFiles };
}

/**
 * Replaces `role`'s keys with `count` new ones (threshold `threshold`) in a new root version,
 * signed by the previous root's keys and, when the root's own keys change, by the new ones too.
 */
export function rotateTufKeys(
  dir: string,
  role: TopRole,
  options: { count?: number; threshold?: number; now?: Date; env?: Record<string, string | undefined> } = {},
): { root: string; keyFiles: string[]; version: number } {
  const current = readTufKeys(dir, options.env ?? {});
  const made = newKeys(dir, options.count ?? 1);
  const next: Metadata<Root> = rotatedRoot(
    current.root.signed,
    role,
    { keys: made.spec.map((s) => s.key), threshold: options.threshold ?? 1 },
    options.now ?? new Date(),
  );
  const signers = [...current.signers, ...made.spec];
  signRole(next, "root (previous keys)", roleKeys(current.root.signed, "root"), signers);
  signRole(next, "root", roleKeys(next.signed, "root"), signers);
  const keyFiles = made.save();
  return { root: writeRoot(dir, next), keyFiles, version: next.signed.version };
}

/**
 * Signs a built site's metadata again (`tuf sign`): same targets, new timestamp (and snapshot,
 * targets or bins when near expiry or when the root changed), without rebuilding the API.
 */
export function resignTuf(
  outDir: string,
  keysDir: string,
  options: { env?: Record<string, string | undefined>; now?: Date } = {},
): TufWriteReport {
  const keys = readTufKeys(keysDir, options.env ?? {});
  const published = readPublished(join(outDir, TUF_METADATA_PATH));
  if (!published.timestamp) {
    throw new RegistryError(
      "TUF_METADATA_INVALID",
      `${join(outDir, TUF_METADATA_PATH)} holds no metadata: build with --tuf-keys first`,
      {
        details: { dir: outDir },
      },
    );
  }
  const targets: TargetEntry[] = [];
  for (const [name, bin] of published.targets) {
    if (name === "targets") continue;
    for (const t of Object.values(bin.signed.targets)) {
      targets.push({ path: t.path, length: t.length, sha256: t.hashes.sha256 ?? "" });
    }
  }
  return writeTufMetadata(outDir, targets, keys, options.now ?? new Date());
}
