import type { Finding } from "../findings.types.ts";
import type { Manifest } from "../manifest.types.ts";
import type { Entry, RegistryConfig } from "../registry.types.ts";

/** What a registry knows about one plugin's versions, for dependency checks. */
export interface KnownVersion {
  version: string;
  yanked: boolean;
}

/** Everything a semantic rule may look at. Registry fields are absent for a lone file. */
export interface RuleContext {
  manifest: Manifest;
  file: string;
  /** Name and version taken from the file's place in a registry (plugins/<name>/versions/<version>.json). */
  path?: { name: string; version: string };
  config?: RegistryConfig;
  entry?: Entry;
  /** The manifest's decoded text, when known: lets text-wide checks skip clean files cheaply. */
  text?: string;
  /** `text` is ASCII without DEL (load-json.ts `plain`): no raw control or invisible character. */
  plainText?: boolean;
  /**
   * A Sigstore bundle file lies beside the manifest; "unknown" where none can be given (a manifest
   * sent on its own, as the daemon's ValidatePlugin receives it).
   */
  hasBundle: boolean | "unknown";
  /** The versions of another plugin in the registry, or undefined when it has none. */
  lookup?: (name: string) => readonly KnownVersion[] | undefined;
  /**
   * Plain http to loopback hosts is acceptable: the registry's `allow_loopback_http` at the gate,
   * the user's `--allow-loopback-http` at install. Default: the config's setting.
   */
  allowLoopbackHttp?: boolean;
}

/** A semantic rule: pure, never throws, returns every problem it sees. */
export type Rule = (ctx: RuleContext) => Finding[];

/** What an entry.json rule may look at. */
export interface EntryRuleContext {
  entry: Entry;
  file: string;
}

/** A rule over one plugin's entry.json: pure, never throws, returns every problem it sees. */
export type EntryRule = (ctx: EntryRuleContext) => Finding[];
