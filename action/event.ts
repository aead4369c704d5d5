import { readFile } from "node:fs/promises";
import { RegistryError } from "../core/errors.ts";

/** The parts of a pull_request / pull_request_target payload the gate uses. Titles are data only. */
export interface PullRequestEvent {
  kind: "pull_request";
  number: number;
  baseSha: string;
  headSha: string;
  /** The pull request's author (who opened it). */
  author: { id: number; login: string };
  /**
   * The owner of the fork that holds the head, when that is another account (or unknown: a
   * deleted fork whose owner the payload does not name): it pushes the commits the gate judges,
   * so the change must be one both may make (G17).
   */
  coAuthor?: { id: number; login: string };
  /** True when the head repository differs from the base one: the token is read-only (G5). */
  fromFork: boolean;
  /** owner/name of the base repository. */
  repository: string;
}

/** A push, schedule or manual run: the whole registry at `sha` is checked. */
export interface FullEvent {
  kind: "full";
  /** The commit to check; "HEAD" when the payload names none (schedule). */
  sha: string;
}

/** The payload fields read, all optional: a malformed payload is reported, not trusted. */
interface PullRequestPayload {
  number?: unknown;
  user?: { id?: unknown; login?: unknown };
  base?: { sha?: unknown; repo?: { full_name?: unknown } };
  head?: {
    sha?: unknown;
    repo?: { full_name?: unknown; owner?: { id?: unknown; login?: unknown } } | null;
    user?: { id?: unknown; login?: unknown } | null;
  };
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * Events whose payload is a pull request the gate judges. `pull_request_review` re-runs the gate
 * when a review is submitted or dismissed, so a maintainer's approval takes effect.
 */
const PULL_REQUEST_EVENTS = new Set(["pull_request", "pull_request_target", "pull_request_review"]);

function sha(value: unknown, what: string): string {
  if (typeof value !== "string" || !SHA.test(value))
    throw new RegistryError("EVENT_INVALID", `The event payload's ${what} is not a commit SHA.`);
  return value;
}

/** Who owns the fork that holds the head, unless it is the author; nobody (id 0) when not named. */
function forkOwner(pr: PullRequestPayload, author: number): { id: number; login: string } | undefined {
  const owner = pr.head?.repo?.owner ?? pr.head?.user ?? undefined;
  const id = owner?.id;
  if (typeof id !== "number" || !Number.isSafeInteger(id))
    return { id: 0, login: "(the fork's owner, not named)" };
  return id === author ? undefined : { id, login: String(owner?.login ?? "") };
}

/**
 * Reads the webhook payload. Pull-request events need base and head SHAs and the author's
 * numeric id; anything else is a full check of the checked-out commit.
 */
export async function readEvent(
  eventName: string,
  eventPath: string | undefined,
): Promise<PullRequestEvent | FullEvent> {
  const payload = eventPath ? (JSON.parse(await readFile(eventPath, "utf8")) as Record<string, unknown>) : {};
  if (PULL_REQUEST_EVENTS.has(eventName)) {
    const pr = payload.pull_request as PullRequestPayload | undefined;
    if (!pr)
      throw new RegistryError(
        "EVENT_INVALID",
        `A ${eventName} event without a pull_request payload (GITHUB_EVENT_PATH).`,
      );
    const id = pr.user?.id;
    if (typeof id !== "number" || !Number.isSafeInteger(id))
      throw new RegistryError("EVENT_INVALID", "The pull request's author has no numeric id in the payload.");
    const baseRepo = String(pr.base?.repo?.full_name ?? "");
    const headRepo = String(pr.head?.repo?.full_name ?? "");
    // A head repository that is gone (null: a deleted fork) is another account's until shown otherwise.
    const fromFork = headRepo !== baseRepo;
    const coAuthor = fromFork ? forkOwner(pr, id) : undefined;
    return {
      kind: "pull_request",
      number: Number(pr.number),
      baseSha: sha(pr.base?.sha, "pull_request.base.sha"),
      headSha: sha(pr.head?.sha, "pull_request.head.sha"),
      author: { id, login: String(pr.user?.login ?? "") },
      ...(coAuthor ? { coAuthor } : {}),
      fromFork,
      repository: baseRepo,
    };
  }
  const after = payload.after;
  return {
    kind: "full",
    sha: typeof after === "string" && SHA.test(after) && !/^0+$/.test(after) ? after : "HEAD",
  };
}
