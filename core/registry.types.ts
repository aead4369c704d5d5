import type { Manifest } from "./manifest.types.ts";

/** A GitHub account, stored by numeric id (logins can be renamed and re-registered). */
export interface Account {
  github_id: number;
  login: string;
}

/** A Sigstore signer pin: both fields are matched exactly. */
export interface SigstoreIdentity {
  issuer: string;
  identity: string;
}

export interface Signers {
  /** PEM-encoded public keys (SPKI). */
  keys?: string[];
  sigstore?: SigstoreIdentity[];
}

/** registry/plugins/<name>/entry.json: governance of one plugin (schemas/entry.schema.json). */
export interface Entry {
  name: string;
  owners: Account[];
  /** "owner/repo" on GitHub. */
  repository: string;
  signers?: Signers;
  deprecated?: boolean;
  deprecation_message?: string;
  /** version → reason */
  yanked?: Record<string, string>;
}

/** registry/config.json: registry-wide settings (schemas/config.schema.json). */
export interface RegistryConfig {
  name: string;
  base_url: string;
  spec_version: string;
  maintainers: Account[];
  official_signers?: Signers;
  /** Accept http:// URLs to 127.0.0.1, localhost and [::1]: tests and local demos only. */
  allow_loopback_http?: boolean;
  /** PEM CA certificates that a manifest's certificate_chain must chain to. */
  trusted_cas?: string[];
  /** Path, relative to the registry root, of a Sigstore trusted root JSON (default: public-good). */
  sigstore_trusted_root?: string;
  /** Paths of more Sigstore trusted roots (private instances), trusted besides the one in use. */
  sigstore_additional_trusted_roots?: string[];
  description?: string;
}

/** One valid version file of a plugin: where it is and its hash, without its contents. */
export interface VersionFile {
  version: string;
  /** Path relative to the registry root, e.g. "plugins/x/versions/1.0.0.json". */
  file: string;
  /** sha256 (hex) of the manifest file's bytes. */
  sha256: string;
  /** Relative path of the Sigstore bundle beside the manifest, when there is one. */
  bundleFile?: string;
}

/** One version file of a plugin, as loaded. */
export interface VersionRecord extends VersionFile {
  manifest: Manifest;
  /**
   * The bytes the manifest was validated from (`sha256` is theirs), when the load read them in
   * this run: what the generator publishes, so the file is not read (or hashed) again and what is
   * published is exactly what was judged, whatever happened to the file since.
   */
  bytes?: Uint8Array;
}

export interface PluginRecord {
  name: string;
  entry: Entry;
  entryFile: string;
  /** Sorted by SemVer precedence, ascending. */
  versions: VersionRecord[];
  /**
   * Valid versions whose manifest was not parsed because a remembered verdict was reused
   * (`keepManifests: "judged"`), ascending; absent otherwise. Together with `versions`, every
   * valid version.
   */
  unparsed?: VersionFile[];
}
