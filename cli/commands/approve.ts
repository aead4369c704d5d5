import { resolve } from "node:path";
import { FORBIDDEN_KEYS } from "../../core/json/load-json.ts";
import { layoutFor } from "../../runner/install/layout.ts";
import { withLock } from "../../runner/install/lock.ts";
import { assertName } from "../../runner/ops/plugin-name.ts";
import {
  approvalsPath,
  PERMISSIONS,
  readApprovals,
  SPECIAL_GRANTS,
  writeApprovals,
} from "../../service/approvals.ts";
import { defineCommand } from "../define-command.ts";
import { UsageError } from "../errors.ts";
import { output } from "../output.ts";
import { contextFromArgs, RUNNER_OPTIONS } from "../runner-cli.ts";

const GRANTS: readonly string[] = [...PERMISSIONS, ...SPECIAL_GRANTS];

export const approveCommand = defineCommand({
  name: "approve",
  summary: "grant a plugin permissions ahead of time, for the daemon",
  args: "NAME [GRANT…]",
  description: `The daemon cannot ask a person, so what a prompt would ask is granted here, ahead of time, and
kept in <plugin-dir>/.finfocus-registry/approvals.json (the daemon reads it on every request).
GRANT is a manifest permission (${PERMISSIONS.join(", ")}), 'untrusted' (install a plugin
from a source the policy does not trust) or 'minor-update' (UpdatePlugin may take a minor
version). Without GRANT it prints what NAME is granted; --revoke takes grants back.`,
  options: {
    revoke: { type: "boolean", help: "take the grants back (all of them when none is named)" },
    ...RUNNER_OPTIONS,
  },
  exit: "0 done, 2 usage or I/O error",
  async run({ values, positionals, format, io }) {
    const [name, ...grants] = positionals;
    if (!name) throw new UsageError("name a plugin, then what to grant it");
    // A plugin's name, and one the approvals file (JSON, loaded without prototype keys) can hold:
    // never a key that would make the file unreadable for every later approval.
    assertName(name);
    if (FORBIDDEN_KEYS.has(name))
      throw new UsageError(`${name} cannot be approved by name: the approvals file refuses it as a key`);
    const unknown = grants.filter((g) => !GRANTS.includes(g));
    if (unknown.length > 0)
      throw new UsageError(`not a grant: ${unknown.join(", ")} (one of ${GRANTS.join(", ")})`);
    const context = await contextFromArgs(values, io);
    const file = resolve(approvalsPath(context.pluginDir));
    // Read, changed and written under the plugin folder's lock: two runs at once lose nothing, and
    // a revoke is never undone by an approve that read the file before it.
    const now = await withLock(layoutFor(context.pluginDir), ".approvals", undefined, async () => {
      const current = await readApprovals(file);
      const had = current.approvals[name] ?? [];
      if (values.revoke || grants.length > 0) {
        current.approvals[name] = values.revoke
          ? grants.length === 0
            ? []
            : had.filter((g) => !grants.includes(g))
          : [...new Set([...had, ...grants])].sort();
        await writeApprovals(file, current);
      }
      return current.approvals[name] ?? [];
    });
    output(
      io,
      format,
      { name, granted: now, file },
      () => `${name}: ${now.length > 0 ? now.join(", ") : "nothing granted"}\n`,
    );
    return 0;
  },
});
