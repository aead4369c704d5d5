/**
 * The TUF keys folder (`--tuf-keys DIR`), read and written here only:
 *
 *   DIR/root/<N>.root.json   every root version, signed (public: publish and keep them all)
 *   DIR/keys/<keyid>.pem     private ed25519 keys (PKCS#8); never committed to a repository
 *
 * Online keys may come from the environment instead (`FINFOCUS_TUF_TARGETS_KEY`,
 * `FINFOCUS_TUF_SNAPSHOT_KEY`, `FINFOCUS_TUF_TIMESTAMP_KEY`: a PEM each, e.g. GitHub secrets), so CI
 * needs only the public `root/` folder on disk.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Metadata, MetadataKind, type Root } from "@tufjs/models";
import { RegistryError } from "../core/errors.ts";
import { pemSigner, type TufSigner } from "../core/tuf/keys.ts";
import { metadataBytes } from "../core/tuf/repository.ts";
import { roleKeys, roleSigners } from "../core/tuf/root.ts";
import { ONLINE_ROLES } from "../core/tuf/tuf-layout.ts";

/** The environment variable that may hold an online role's private key. */
export function keyEnvName(role: string): string {
  return `FINFOCUS_TUF_${role.toUpperCase()}_KEY`;
}

export interface TufKeys {
  /** Every root version, oldest first, as published bytes. */
  roots: { version: number; bytes: string }[];
  /** The newest root. */
  root: Metadata<Root>;
  signers: TufSigner[];
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Parses a root metadata file, naming the file when it is not one. */
export function parseRoot(bytes: string, file: string): Metadata<Root> {
  try {
    return Metadata.fromJSON(MetadataKind.Root, JSON.parse(bytes));
  } catch (error) {
    throw new RegistryError(
      "TUF_METADATA_INVALID",
      `${file} is not TUF root metadata: ${(error as Error).message}`,
      {
        cause: error,
        details: { file },
      },
    );
  }
}

/** Reads the keys folder and the online keys in `env` (see the module comment). */
export function readTufKeys(dir: string, env: Readonly<Record<string, string | undefined>> = {}): TufKeys {
  const roots = listDir(join(dir, "root"))
    .map((name) => ({ name, match: /^([1-9][0-9]*)\.root\.json$/.exec(name) }))
    .filter((e) => e.match)
    .map((e) => ({ version: Number(e.match![1]), bytes: readFileSync(join(dir, "root", e.name), "utf8") }))
    .sort((a, b) => a.version - b.version);
  const newest = roots.at(-1);
  if (!newest) {
    throw new RegistryError(
      "TUF_METADATA_INVALID",
      `${join(dir, "root")} holds no <N>.root.json: run \`finfocus-registry tuf init --keys ${dir}\``,
      {
        details: { dir },
      },
    );
  }
  roots.forEach((r, i) => {
    if (r.version !== i + 1) {
      throw new RegistryError(
        "TUF_METADATA_INVALID",
        `${join(dir, "root")} lacks ${i + 1}.root.json: every root version must be kept`,
        {
          details: { dir, missing: i + 1 },
        },
      );
    }
  });
  const root = parseRoot(newest.bytes, join(dir, "root", `${newest.version}.root.json`));
  const signers: TufSigner[] = [];
  for (const name of listDir(join(dir, "keys"))
    .filter((n) => n.endsWith(".pem"))
    .sort()) {
    const file = join(dir, "keys", name);
    signers.push(pemSigner(readFileSync(file, "utf8"), file));
  }
  for (const role of ONLINE_ROLES) {
    const pem = env[keyEnvName(role)];
    if (pem) signers.push(pemSigner(pem, keyEnvName(role)));
  }
  return { roots, root, signers };
}

/**
 * Fails with TUF_KEY_MISSING unless every online role (targets, snapshot, timestamp) has its
 * threshold of keys at hand: a build checks this before it writes anything.
 */
export function checkOnlineKeys(keys: TufKeys): void {
  for (const role of ONLINE_ROLES) roleSigners(role, roleKeys(keys.root.signed, role), keys.signers);
}

/** Writes a private key (mode 0600) and returns its file. */
export function writePrivateKey(dir: string, keyId: string, pem: string): string {
  mkdirSync(join(dir, "keys"), { recursive: true, mode: 0o700 });
  const file = join(dir, "keys", `${keyId}.pem`);
  writeFileSync(file, pem, { mode: 0o600, flag: "wx" });
  return file;
}

/** Writes a signed root as `DIR/root/<version>.root.json` (atomically; never over an existing version). */
export function writeRoot(dir: string, root: Metadata<Root>): string {
  mkdirSync(join(dir, "root"), { recursive: true });
  const file = join(dir, "root", `${root.signed.version}.root.json`);
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, metadataBytes(root));
  try {
    writeFileSync(file, "", { flag: "wx" });
  } catch {
    throw new RegistryError(
      "TUF_METADATA_INVALID",
      `${file} exists already: a root version is never replaced`,
      {
        details: { file },
      },
    );
  }
  renameSync(tmp, file);
  return file;
}
