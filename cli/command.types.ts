/** Where a command writes; tests pass buffers, the real CLI passes process streams. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** True when stdout is a terminal (progress bars, colour unless NO_COLOR). */
  isTTY: boolean;
}

/** `--format`: text for people, json for scripts. Every command takes it. */
export type Format = "text" | "json";

/** One option of a command: what `util.parseArgs` needs, plus what `--help` prints. */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  default?: string | boolean;
  /** The value's placeholder in `--help` (string options), e.g. "DIR". */
  value?: string;
  /** One line for `--help`. */
  help: string;
  /** A heading in `--help` for options shared by several commands (e.g. "Registry options"). */
  group?: string;
}

export type OptionsSpec = Record<string, OptionSpec>;

type ValueOf<S extends OptionSpec> = S["type"] extends "string"
  ? S extends { multiple: true }
    ? string[]
    : string
  : S extends { multiple: true }
    ? boolean[]
    : boolean;

/** The parsed values of a command's options: an option with a default always has a value. */
export type Values<O extends OptionsSpec> = {
  [K in keyof O]: O[K] extends { default: string | boolean } ? ValueOf<O[K]> : ValueOf<O[K]> | undefined;
};

/** What a command's `run` receives: parsed, checked arguments and where to write. */
export interface CommandInput<O extends OptionsSpec> {
  values: Values<O>;
  positionals: string[];
  format: Format;
  io: CliIO;
}

/**
 * One subcommand of `finfocus-registry`, declared once: its options, its usage text and what it
 * does. The framework (cli/run-command.ts) parses the arguments, answers `--help`, takes
 * `--format`, and maps whatever `run` throws to an exit status and the spec's error document.
 */
export interface CommandSpec<O extends OptionsSpec> {
  name: string;
  /** One line for the command list of `finfocus-registry --help`. */
  summary: string;
  /** The positional arguments in the synopsis, e.g. "NAME[@CONSTRAINT]…"; none are taken without it. */
  args?: string;
  /** What the command does, for `--help` (a paragraph or two). */
  description: string;
  options: O;
  /** The exit statuses, for `--help`, e.g. "0 installed, 1 refused, 2 usage, network or I/O error". */
  exit?: string;
  /** Does the work and returns the exit status; throws a coded error (core/codes/) to fail. */
  run(input: CommandInput<O>): Promise<number>;
}

/** A command as the CLI lists and runs it (its option types erased). */
export interface Command {
  name: string;
  summary: string;
  args?: string;
  description: string;
  options: OptionsSpec;
  exit?: string;
  run(input: CommandInput<OptionsSpec>): Promise<number>;
}
