/**
 * Where the registry's TUF metadata lives and how long each role's signature holds: one place,
 * read by the generator (writing), the `tuf` commands (signing) and the runner (reading).
 * Lifetimes follow the TUF specification's advice: the online timestamp is short so a frozen
 * mirror is noticed within a day; targets and snapshot longer; the offline root longest.
 */

/** The metadata folder, relative to the site root (beside `api/v1/`). */
export const TUF_METADATA_PATH = "tuf/";

/** The TUF specification version the metadata declares. */
export const TUF_SPEC_VERSION = "1.0.31";

/** The role names of TUF's top level. */
export const TOP_ROLES = ["root", "targets", "snapshot", "timestamp"] as const;
export type TopRole = (typeof TOP_ROLES)[number];

/** The roles the generator signs on every build (their keys are "online", e.g. CI secrets). */
export const ONLINE_ROLES = ["targets", "snapshot", "timestamp"] as const;
export type OnlineRole = (typeof ONLINE_ROLES)[number];

const DAY = 24 * 60 * 60 * 1000;

/** How long a signature of each role stays valid. */
export const LIFETIME_MS: Readonly<Record<TopRole | "bins", number>> = {
  timestamp: 1 * DAY,
  snapshot: 7 * DAY,
  targets: 90 * DAY,
  bins: 90 * DAY,
  root: 365 * DAY,
};

/** The name prefix of the hashed bins (TAP 15 succinct delegation) that list the targets. */
export const BIN_PREFIX = "bins";

/** Targets per bin the layout aims at: a bin of about 32 rows is a few KB. */
export const TARGETS_PER_BIN = 32;

/**
 * How many hash bits name a target's bin: enough bins that each holds about `TARGETS_PER_BIN`
 * targets (one plugin's documents then cost a few KB, not the whole list), at least 1, at most 16.
 */
export function binBits(targetCount: number): number {
  let bits = 1;
  while (bits < 16 && targetCount / 2 ** bits > TARGETS_PER_BIN) bits++;
  return bits;
}

/** An expiry `lifetime` after `now`, as TUF writes it (seconds precision, `Z`). */
export function expiresAt(now: Date, role: TopRole | "bins"): string {
  return new Date(Math.floor(now.getTime() / 1000) * 1000 + LIFETIME_MS[role])
    .toISOString()
    .replace(".000Z", "Z");
}

/**
 * True when metadata that expires at `expires` should be signed again now: less than half of its
 * lifetime is left (so a scheduled re-sign keeps clients away from the edge).
 */
export function needsRefresh(expires: string, now: Date, role: TopRole | "bins"): boolean {
  return Date.parse(expires) - now.getTime() < LIFETIME_MS[role] / 2;
}

/**
 * The version of a role's new metadata: above the previous one and at least the signing time in
 * seconds, so a build from an empty folder (a fresh CI checkout) still moves every version forward
 * and clients never see a rollback.
 */
export function nextVersion(previous: number | undefined, now: Date): number {
  return Math.max((previous ?? 0) + 1, Math.floor(now.getTime() / 1000));
}
