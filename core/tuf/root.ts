/**
 * The root role: who may sign what. A root is made once (`tuf init`), replaced only by a root one
 * version higher signed by a threshold of the old root's keys and of its own (`tuf rotate`), so a
 * client holding any earlier root can walk to the newest and a stolen online key is revoked.
 */
import { type Key, Metadata, Root, type Signature } from "@tufjs/models";
import { Role } from "@tufjs/models/dist/role.js";
import { RegistryError } from "../errors.ts";
import type { TufSigner } from "./keys.ts";
import { expiresAt, TOP_ROLES, type TopRole, TUF_SPEC_VERSION } from "./tuf-layout.ts";

/** Keys and threshold of one role. */
export interface RoleKeys {
  keys: Key[];
  threshold: number;
}

function checkRole(role: string, spec: RoleKeys): void {
  if (!Number.isInteger(spec.threshold) || spec.threshold < 1 || spec.threshold > spec.keys.length) {
    throw new RegistryError(
      "TUF_KEY_INVALID",
      `the ${role} role needs a threshold between 1 and its number of keys (${spec.keys.length}), not ${spec.threshold}`,
      { details: { role, threshold: spec.threshold } },
    );
  }
}

/** A root of `version` naming every top-level role's keys (unsigned). */
export function makeRoot(roles: Record<TopRole, RoleKeys>, version: number, now: Date): Metadata<Root> {
  const keys: Record<string, Key> = {};
  const roleMap: Record<string, Role> = {};
  for (const role of TOP_ROLES) {
    const spec = roles[role];
    checkRole(role, spec);
    for (const key of spec.keys) keys[key.keyID] = key;
    roleMap[role] = new Role({ keyIDs: spec.keys.map((k) => k.keyID), threshold: spec.threshold });
  }
  const root = new Root({
    version,
    specVersion: TUF_SPEC_VERSION,
    expires: expiresAt(now, "root"),
    keys,
    roles: roleMap,
    consistentSnapshot: true,
  });
  return new Metadata(root);
}

/** The keys and threshold of `role` in `root`. */
export function roleKeys(root: Root, role: TopRole): RoleKeys {
  const spec = root.roles[role];
  if (!spec)
    throw new RegistryError("TUF_METADATA_INVALID", `the root names no ${role} role`, { details: { role } });
  return {
    keys: spec.keyIDs.flatMap((id) => (root.keys[id] ? [root.keys[id]] : [])),
    threshold: spec.threshold,
  };
}

/** The next root: `role` gets `replacement`'s keys and threshold, everything else stays (unsigned). */
export function rotatedRoot(previous: Root, role: TopRole, replacement: RoleKeys, now: Date): Metadata<Root> {
  const roles = Object.fromEntries(
    TOP_ROLES.map((r) => [r, r === role ? replacement : roleKeys(previous, r)]),
  );
  return makeRoot(roles as Record<TopRole, RoleKeys>, previous.version + 1, now);
}

/**
 * The signers of `role` (as `authority` names its keys) among `signers`, one per key; fails with
 * TUF_KEY_MISSING when fewer than the threshold are at hand, so nothing under-signed is written.
 */
export function roleSigners(role: string, authority: RoleKeys, signers: readonly TufSigner[]): TufSigner[] {
  const ids = new Set(authority.keys.map((k) => k.keyID));
  const distinct = new Map(signers.filter((s) => ids.has(s.key.keyID)).map((s) => [s.key.keyID, s]));
  if (distinct.size < authority.threshold) {
    throw new RegistryError(
      "TUF_KEY_MISSING",
      `signing ${role} needs ${authority.threshold} of its keys, ${distinct.size} found (key ids: ${[...ids].join(", ")})`,
      { details: { role, threshold: authority.threshold, found: distinct.size, key_ids: [...ids] } },
    );
  }
  return [...distinct.values()];
}

/** Signs `metadata` with every signer of `role` at hand (see `roleSigners`). */
export function signRole(
  metadata: { sign(signer: (data: Buffer) => Signature, append?: boolean): void },
  role: string,
  authority: RoleKeys,
  signers: readonly TufSigner[],
): void {
  for (const signer of roleSigners(role, authority, signers))
    metadata.sign((data) => signer.sign(data), true);
}
