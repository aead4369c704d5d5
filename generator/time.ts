/** The one time format of every document, and the build's notion of "now". */

/** ISO 8601 UTC to the second ("2024-03-20T14:30:00Z"), or undefined when `value` is not a time. */
export function isoSeconds(value: string | number | Date): string | undefined {
  if (value === "") return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * The generation time: `SOURCE_DATE_EPOCH` (reproducible-builds.org) when set, else the newest
 * registry commit (so rebuilding one commit gives identical bytes), else the clock.
 */
export function generationTime(
  env: Readonly<Record<string, string | undefined>>,
  newestCommit: string | undefined,
  now: () => Date = () => new Date(),
): string {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && /^\d{1,12}$/.test(epoch)) return isoSeconds(Number(epoch) * 1000)!;
  return newestCommit ?? isoSeconds(now())!;
}
