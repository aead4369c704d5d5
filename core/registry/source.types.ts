/**
 * Where a registry's files come from: a folder, a git commit, an in-memory map in tests.
 * Paths are relative to the registry root and use `/`.
 */
export interface RegistrySource {
  /** How to name the registry in messages, e.g. "registry" or "registry@abc1234". */
  readonly root: string;
  /** The folder on disk, for sources that are one (lets validation use worker threads). */
  readonly dir?: string;
  /** The file's bytes, or undefined when it does not exist. */
  readFile(path: string): Promise<Uint8Array | undefined>;
  /** Names of the entries (files and folders) directly in `dir`, sorted; [] when it does not exist. */
  list(dir: string): Promise<string[]>;
}
