/**
 * The client's TUF decisions, in one place: whether a registry's documents must come through TUF,
 * which target a document URL is, and how a refusal of the TUF client is named. The runner
 * gathers the facts (the discovery document, its trust folder, the user's policy) and asks here.
 */

/** What the runner knows when it opens a registry. */
export interface TufFacts {
  /** The discovery document's `tuf.metadata`, when it has one. */
  metadata?: string;
  /** A root for this registry is pinned on this machine (first use happened earlier). */
  pinned: boolean;
  /** The user's configuration gives a trusted root. */
  configuredRoot: boolean;
  /** The policy switch: refuse registries without TUF. */
  required: boolean;
}

export type TufDecision =
  | { use: "tuf"; metadata: string }
  | { use: "plain" }
  | { use: "refuse"; reason: string };

/** The folder a registry without `tuf.metadata` is read at when a root is pinned or configured. */
const DEFAULT_METADATA = "tuf/";

/**
 * Use TUF when the registry publishes it or when trust in it is established (a pinned or configured
 * root: a discovery document that drops its `tuf` field is then a downgrade, and TUF is still used,
 * so its metadata decides); refuse when TUF is required and nothing names it; else read plainly.
 */
export function decideTuf(facts: TufFacts): TufDecision {
  if (facts.metadata !== undefined) return { use: "tuf", metadata: facts.metadata };
  if (facts.pinned || facts.configuredRoot) return { use: "tuf", metadata: DEFAULT_METADATA };
  if (facts.required) {
    return { use: "refuse", reason: "the registry publishes no TUF metadata and the policy requires it" };
  }
  return { use: "plain" };
}

/**
 * The TUF target path of a document URL under the registry root (`api/v1/...`), or undefined when
 * the URL is not under it (another origin or folder: nothing TUF could vouch for) or names no
 * path (it does not parse, or percent-encodes no UTF-8).
 */
export function targetPath(url: string, root: string): string | undefined {
  const base = root.endsWith("/") ? root : `${root}/`;
  let path: string;
  try {
    const href = new URL(url).href;
    if (!href.startsWith(base)) return undefined;
    path = decodeURIComponent(href.slice(base.length).split(/[?#]/)[0] ?? "");
  } catch {
    // Not a URL, or a percent sign that encodes no UTF-8 (`%ZZ`, `%E0%A4`): no path TUF names.
    return undefined;
  }
  return path === "" || path.split("/").some((s) => s === "" || s === "." || s === "..") ? undefined : path;
}

/**
 * A short name for why the TUF client refused (the library's error class, or a check of ours), for
 * `details.reason`; the library's message travels with it.
 */
export function refusalReason(error: unknown): string {
  if (error instanceof Error) {
    const name = error.constructor?.name;
    if (name && name !== "Error") return name;
    return error.name || "Error";
  }
  return "unknown";
}
