/**
 * The validation budget of author configuration schemas. What a schema costs to run depends on
 * the value it checks (a long string against a pattern, a long array with `uniqueItems`), so the
 * static bounds of author-shape.ts cannot cover it alone: every schema node, and every pattern
 * match, charges a meter as it runs, and a validation that spends its budget stops with
 * BudgetExceeded. The count is deterministic (no clock): the same manifest passes or fails the
 * same way on a loaded 2-core runner as on a fast laptop.
 */

/**
 * Steps one manifest's configuration checks may take (default_config and every example together,
 * or one `config --set`). A step is about one subschema applied to one value; a realistic
 * configuration takes tens to thousands. Measured in bench/author-schema.ts: the budget runs out
 * in well under 100 ms on the most expensive steps there are.
 */
export const VALIDATION_BUDGET = 100_000;

/** Thrown out of a running validator when its budget is spent (caught in author-schema.ts). */
export class BudgetExceeded extends Error {
  readonly limit: number;
  constructor(limit: number) {
    super(`validation needs more than ${limit} steps`);
    this.name = "BudgetExceeded";
    this.limit = limit;
  }
}

/** A budget being spent. One meter may span several validations (a manifest's examples). */
export class Meter {
  used = 0;
  readonly limit: number;
  constructor(limit: number = VALIDATION_BUDGET) {
    this.limit = limit;
  }
}

let current: Meter | undefined;

/** Charges `steps` to the meter of the validation now running (none: nothing to charge). */
export function charge(steps: number): void {
  const meter = current;
  if (!meter) return;
  meter.used += steps;
  if (meter.used > meter.limit) throw new BudgetExceeded(meter.limit);
}

/** Runs `run` (synchronous: validation is) with `meter` charged for every step it takes. */
export function metered<T>(meter: Meter, run: () => T): T {
  const previous = current;
  current = meter;
  try {
    return run();
  } finally {
    current = previous;
  }
}
