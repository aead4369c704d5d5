/** Where a command writes; tests pass buffers, the real CLI passes process streams. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** True when stdout is a terminal (progress bars, colour unless NO_COLOR). */
  isTTY: boolean;
}

/**
 * One subcommand of `finfocus-registry`. Exit codes: 0 success, 1 the check failed
 * (findings with errors, verification failed), 2 usage or I/O error.
 */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], io: CliIO): Promise<number>;
}
