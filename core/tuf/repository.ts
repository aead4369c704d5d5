/**
 * The registry's signed index, decided in one place: given the trusted root, every published file
 * with its length and sha256, the metadata published before and the online signers, which TUF
 * metadata to publish. Targets are listed in hashed bins (TAP 15 succinct delegation), so a client
 * resolving one plugin reads the top-level roles and one small bin per document, never the whole
 * list. A role whose content is unchanged and whose signature is not near expiry keeps its version
 * and bytes (a rebuild writes nothing new); anything else gets a new version signed now.
 */

import { createHash } from "node:crypto";
import { canonicalize } from "@tufjs/canonical-json";
import { Metadata, MetaFile, type Root, Snapshot, TargetFile, Targets, Timestamp } from "@tufjs/models";
// Not re-exported by the package index; the package has no export map, so its modules are public.
import { Delegations } from "@tufjs/models/dist/delegations.js";
import { SuccinctRoles } from "@tufjs/models/dist/role.js";
import type { TufSigner } from "./keys.ts";
import { roleKeys, signRole } from "./root.ts";
import { BIN_PREFIX, binBits, expiresAt, needsRefresh, nextVersion, TUF_SPEC_VERSION } from "./tuf-layout.ts";

/** One published file: path relative to the site root, its length and sha256 (hex). */
export interface TargetEntry {
  path: string;
  length: number;
  sha256: string;
}

/** The metadata a previous build published (parsed, trusted because we wrote it). */
export interface PublishedMetadata {
  timestamp?: Metadata<Timestamp>;
  snapshot?: Metadata<Snapshot>;
  /** Top-level targets and every bin, by role name. */
  targets: Map<string, Metadata<Targets>>;
}

export interface SignRepositoryInput {
  root: Metadata<Root>;
  targets: readonly TargetEntry[];
  previous: PublishedMetadata;
  signers: readonly TufSigner[];
  now: Date;
}

/** Metadata files to publish, by file name inside the metadata folder (`<version>.<role>.json`, `timestamp.json`). */
export type MetadataFiles = Map<string, string>;

/** The bytes of a metadata file: canonical JSON, so a rebuild is byte-identical. */
export function metadataBytes(metadata: Metadata<Root | Targets | Snapshot | Timestamp>): string {
  return canonicalize(metadata.toJSON());
}

/**
 * Computes a role's JSON once, in linear time. The models' `toJSON` rebuilds a role's map (a
 * snapshot's `meta`, a bin's `targets`) with one object spread per entry, which is quadratic: a
 * snapshot of 2,048 bins took seconds. Here the model renders the role without its map, the map's
 * entries are rendered by their own models' `toJSON`, and the result serves signing, comparing and
 * writing alike (the signed part is immutable once made).
 */
function memoJson<T extends Targets | Snapshot | Timestamp>(signed: T): T {
  let json: Record<string, unknown>;
  const common = { version: signed.version, expires: signed.expires, specVersion: signed.specVersion };
  if (signed instanceof Snapshot) {
    json = new Snapshot({ ...common, meta: {} }).toJSON();
    json.meta = Object.fromEntries(Object.entries(signed.meta).map(([k, v]) => [k, v.toJSON()]));
  } else if (signed instanceof Targets) {
    const shell = new Targets({
      ...common,
      targets: {},
      ...(signed.delegations ? { delegations: signed.delegations } : {}),
    });
    json = shell.toJSON();
    json.targets = Object.fromEntries(Object.entries(signed.targets).map(([k, v]) => [k, v.toJSON()]));
  } else {
    json = signed.toJSON();
  }
  Object.defineProperty(signed, "toJSON", { value: () => json });
  return signed;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Signs the targets, bins, snapshot and timestamp over `input.targets` (see the module comment). */
export function signRepository(input: SignRepositoryInput): {
  files: MetadataFiles;
  versions: Record<string, number>;
} {
  const { root, now, previous } = input;
  const targetsAuthority = roleKeys(root.signed, "targets");
  const files: MetadataFiles = new Map();
  const versions: Record<string, number> = {};
  const bits = binBits(input.targets.length);
  const succinct = new SuccinctRoles({
    keyIDs: targetsAuthority.keys.map((k) => k.keyID),
    threshold: targetsAuthority.threshold,
    bitLength: bits,
    namePrefix: BIN_PREFIX,
  });

  // One role's metadata: kept when its content is unchanged and fresh, else a new version.
  const settle = <T extends Targets | Snapshot | Timestamp>(
    name: string,
    prev: Metadata<T> | undefined,
    make: (version: number, expires: string) => T,
    lifetime: "bins" | "targets" | "snapshot" | "timestamp",
    authority: { keys: import("@tufjs/models").Key[]; threshold: number },
  ): Metadata<T> => {
    if (prev) {
      memoJson(prev.signed);
      const same = memoJson(make(prev.signed.version, prev.signed.expires));
      // Kept only when signed by keys the current root still names (a rotation re-signs).
      const ids = new Set(authority.keys.map((k) => k.keyID));
      const signedBy = Object.keys(prev.signatures).filter((id) => ids.has(id)).length;
      if (
        canonicalize(prev.signed.toJSON()) === canonicalize(same.toJSON()) &&
        !needsRefresh(prev.signed.expires, now, lifetime) &&
        signedBy >= authority.threshold
      )
        return prev;
    }
    const metadata = new Metadata(
      memoJson(make(nextVersion(prev?.signed.version, now), expiresAt(now, lifetime))),
    );
    signRole(metadata, name, authority, input.signers);
    return metadata;
  };

  const byBin = new Map<string, Record<string, TargetFile>>();
  for (const name of succinct.getRoles()) byBin.set(name, {});
  for (const entry of input.targets) {
    const bin = byBin.get(succinct.getRoleForTarget(entry.path));
    if (bin)
      bin[entry.path] = new TargetFile({
        path: entry.path,
        length: entry.length,
        hashes: { sha256: entry.sha256 },
      });
  }
  const meta: Record<string, MetaFile> = {};
  for (const [name, targets] of byBin) {
    const bin = settle(
      name,
      previous.targets.get(name),
      (version, expires) => new Targets({ version, expires, specVersion: TUF_SPEC_VERSION, targets }),
      "bins",
      targetsAuthority,
    );
    files.set(`${bin.signed.version}.${name}.json`, metadataBytes(bin));
    meta[`${name}.json`] = new MetaFile({ version: bin.signed.version });
  }

  const top = settle(
    "targets",
    previous.targets.get("targets"),
    (version, expires) =>
      new Targets({
        version,
        expires,
        specVersion: TUF_SPEC_VERSION,
        targets: {},
        delegations: new Delegations({
          keys: Object.fromEntries(targetsAuthority.keys.map((k) => [k.keyID, k])),
          succinctRoles: succinct,
        }),
      }),
    "targets",
    targetsAuthority,
  );
  files.set(`${top.signed.version}.targets.json`, metadataBytes(top));
  meta["targets.json"] = new MetaFile({ version: top.signed.version });
  versions.targets = top.signed.version;

  const snapshot = settle(
    "snapshot",
    previous.snapshot,
    (version, expires) => new Snapshot({ version, expires, specVersion: TUF_SPEC_VERSION, meta }),
    "snapshot",
    roleKeys(root.signed, "snapshot"),
  );
  const snapshotBytes = metadataBytes(snapshot);
  files.set(`${snapshot.signed.version}.snapshot.json`, snapshotBytes);
  versions.snapshot = snapshot.signed.version;

  const timestamp = settle(
    "timestamp",
    previous.timestamp,
    (version, expires) =>
      new Timestamp({
        version,
        expires,
        specVersion: TUF_SPEC_VERSION,
        snapshotMeta: new MetaFile({
          version: snapshot.signed.version,
          length: Buffer.byteLength(snapshotBytes),
          hashes: { sha256: sha256(snapshotBytes) },
        }),
      }),
    "timestamp",
    roleKeys(root.signed, "timestamp"),
  );
  files.set("timestamp.json", metadataBytes(timestamp));
  versions.timestamp = timestamp.signed.version;
  versions.bins = byBin.size;
  return { files, versions };
}
