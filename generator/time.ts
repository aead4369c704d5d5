/** The one time format of every document, and the build's notion of "now". */

/** A time already written as isoSeconds writes it, if its fields are in range (the day checked apart). */
const ISO_SECONDS = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$/;
/** Days in each month of a common year. */
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Whether `value` is already its own isoSeconds: the form, and a day its month has (Date would
 * roll February 30 over into March). Most manifests' times are, and a Date costs more.
 */
function alreadyIsoSeconds(value: string): boolean {
  if (!ISO_SECONDS.test(value)) return false;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : (MONTH_DAYS[month - 1] as number));
}

/** ISO 8601 UTC to the second ("2024-03-20T14:30:00Z"), or undefined when `value` is not a time. */
export function isoSeconds(value: string | number | Date): string | undefined {
  if (value === "") return undefined;
  if (typeof value === "string" && alreadyIsoSeconds(value)) return value;
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
