import type { Arbitrary } from "fast-check";

/** What a check learned about one input, for the run's report. */
export interface CheckStats {
  /** Milliseconds the code under test took on this input. */
  ms: number;
}

/**
 * One fuzz target: inputs, the contract they are checked against, and how an input is written to
 * (and read back from) a fixture file. The contract of every target: exit codes 0/1/2 through
 * findings or documented errors, never another exception; bounded time, memory and disk.
 */
export interface FuzzTarget<T> {
  name: string;
  description: string;
  /** The inputs (seeds are read when this is called, not when the module loads). */
  arbitrary(): Promise<Arbitrary<T>>;
  /** Runs the code under test on `input`; throws (an assertion) when the contract is broken. */
  check(input: T): Promise<CheckStats>;
  /** A JSON form of an input for test/fixtures/fuzz/<target>/, and back. */
  encode(input: T): unknown;
  decode(saved: unknown): T;
}
