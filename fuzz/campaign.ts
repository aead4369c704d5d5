import fc from "fast-check";
import type { FuzzTarget } from "./target.types.ts";

export interface CampaignOptions {
  seed: number;
  /** Inputs to try (default: until the time limit). */
  numRuns?: number;
  /** Stop trying new inputs after this long. */
  timeLimitMs?: number;
  /**
   * An input that takes more CPU time than this breaks the contract (bounded time); none in unit
   * tests. CPU time, not wall time: a loaded machine must not make a fast input look slow.
   */
  ceilingMs?: number;
}

export interface CampaignResult {
  target: string;
  seed: number;
  /** Inputs tried (shrinking runs not included). */
  runs: number;
  ms: number;
  /** CPU milliseconds of the slowest input, and the mean (checks run one at a time). */
  slowestMs: number;
  /** The slowest input, for a closer look (bounded time is part of the contract). */
  slowest?: unknown;
  meanMs: number;
  failure?: { input: unknown; error: string };
}

/** Runs one target with fast-check: random inputs, then the failing one shrunk to its smallest. */
export async function campaign<T>(target: FuzzTarget<T>, options: CampaignOptions): Promise<CampaignResult> {
  const arbitrary = await target.arbitrary();
  let slowest = 0;
  let slowestInput: T | undefined;
  let total = 0;
  let checked = 0;
  const started = performance.now();
  const property = fc.asyncProperty(arbitrary, async (input) => {
    const before = process.cpuUsage();
    await target.check(input);
    const cpu = process.cpuUsage(before);
    const ms = (cpu.user + cpu.system) / 1000;
    checked++;
    total += ms;
    if (ms > slowest) {
      slowest = ms;
      slowestInput = input;
    }
    if (options.ceilingMs !== undefined && ms > options.ceilingMs)
      throw new Error(`took ${ms.toFixed(0)} ms of CPU (the ceiling is ${options.ceilingMs} ms)`);
  });
  const details = await fc.check(property, {
    seed: options.seed,
    numRuns: options.numRuns ?? Number.MAX_SAFE_INTEGER,
    ...(options.timeLimitMs !== undefined ? { interruptAfterTimeLimit: options.timeLimitMs } : {}),
    markInterruptAsFailure: false,
  });
  const result: CampaignResult = {
    target: target.name,
    seed: options.seed,
    runs: details.numRuns,
    ms: performance.now() - started,
    slowestMs: slowest,
    ...(slowestInput !== undefined ? { slowest: slowestInput } : {}),
    meanMs: checked > 0 ? total / checked : 0,
  };
  if (details.failed && details.counterexample) {
    const error =
      details.errorInstance instanceof Error
        ? (details.errorInstance.stack ?? details.errorInstance.message)
        : String(details.errorInstance);
    result.failure = { input: details.counterexample[0], error };
  }
  return result;
}
