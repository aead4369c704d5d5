/**
 * The user's home folder, below which the FinFocus layout lives (`~/.finfocus/plugins`, its
 * caches, and its trust state: `~/.finfocus/tuf`, `~/.finfocus/sigstore-tuf`). One rule for every
 * command and the library: `$HOME` when it is an absolute path, else the account's home (the
 * password database). An empty or relative `$HOME` is not used: it would put the plugins and the
 * trust state in whatever folder a command runs in, where a checkout could hold a trust root made
 * to be trusted.
 */

import { userInfo } from "node:os";
import { isAbsolute } from "node:path";
import { RegistryError } from "./errors.ts";

export function homeFolder(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const home = env.HOME;
  if (home !== undefined && isAbsolute(home)) return home;
  let account: string | undefined;
  try {
    account = userInfo().homedir;
  } catch {
    account = undefined;
  }
  if (account && isAbsolute(account)) return account;
  throw new RegistryError(
    "USAGE",
    `no home folder: HOME is ${home === undefined ? "not set" : `'${home}', not an absolute path`} and the account has none; set HOME to an absolute path (the plugins' layout and its trust state live below it)`,
    { details: { HOME: home ?? null } },
  );
}
