/** A pull-request review as the REST API lists it (`GET /repos/{o}/{r}/pulls/{n}/reviews`). */
export interface Review {
  id: number;
  /** Absent for a deleted account. */
  user?: { id: number; login: string } | null;
  /** APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED or PENDING. */
  state: string;
  /** The commit the review was made on. */
  commit_id?: string | null;
  /** Absent while the review is pending (not submitted). */
  submitted_at?: string | null;
}

/**
 * The accounts whose approval stands on `headSha`: each reviewer's latest submitted review
 * decides, and it must be an approval made on exactly that commit. A later review that is not an
 * approval (changes requested, a plain comment), a dismissed approval, or an approval of an
 * earlier commit (the PR changed since) does not count. Pending reviews are not submitted and are
 * ignored. Accounts are numeric ids: logins can be renamed and re-registered.
 */
export function standingApprovals(
  reviews: readonly Review[],
  headSha: string,
): { id: number; login: string }[] {
  const latest = new Map<number, Review>();
  const order = (r: Review) => [Date.parse(r.submitted_at ?? ""), r.id] as const;
  for (const review of reviews) {
    const id = review.user?.id;
    if (typeof id !== "number" || !Number.isSafeInteger(id) || !review.submitted_at) continue;
    if (String(review.state).toUpperCase() === "PENDING") continue;
    const known = latest.get(id);
    if (!known) {
      latest.set(id, review);
      continue;
    }
    const [t1, i1] = order(known);
    const [t2, i2] = order(review);
    if (t2 > t1 || (t2 === t1 && i2 > i1) || Number.isNaN(t1)) latest.set(id, review);
  }
  const out: { id: number; login: string }[] = [];
  for (const [id, review] of latest) {
    if (String(review.state).toUpperCase() === "APPROVED" && review.commit_id === headSha)
      out.push({ id, login: String(review.user?.login ?? "") });
  }
  return out.sort((a, b) => a.id - b.id);
}
