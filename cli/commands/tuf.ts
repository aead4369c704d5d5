import path from "node:path";
import { ONLINE_ROLES, TOP_ROLES, type TopRole } from "../../core/tuf/tuf-layout.ts";
import { initTufKeys, resignTuf, rotateTufKeys } from "../../generator/tuf-admin-fs.ts";
import { keyEnvName } from "../../generator/tuf-keys-fs.ts";
import { defineCommand } from "../define-command.ts";
import { UsageError } from "../errors.ts";
import { output } from "../output.ts";

const ACTIONS = ["init", "sign", "rotate"] as const;
const ONLINE_ENV = ONLINE_ROLES.map(keyEnvName).join(", ");

function count(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 16)
    throw new UsageError(`${what} must be a whole number from 1 to 16`);
  return n;
}

export const tufCommand = defineCommand({
  name: "tuf",
  summary: "manage the registry's TUF keys and signed index (init, sign, rotate)",
  args: "init|sign|rotate",
  description: `The registry's index is signed with The Update Framework (docs/tuf.md).
  init     create --keys DIR: a key pair per role (root, targets, snapshot, timestamp) in DIR/keys/
           and DIR/root/1.root.json signed by the root keys; \`build --tuf-keys DIR\` then signs
           the API it writes. --root-keys and --root-threshold make an m-of-n root.
  sign     sign a built site's metadata again (--out DIR) without rebuilding: a new timestamp, and
           snapshot, targets or bins when near expiry or when the root changed (a scheduled job).
  rotate   replace --role's keys with new ones in the next root version, signed by the previous
           root's keys (and the new ones for --role root); publish it with the next build or sign.
Private keys stay in DIR/keys/ (mode 0600) and never belong in a repository; the online keys
may come from ${ONLINE_ENV} instead. DIR/root/ is public.`,
  options: {
    keys: { type: "string", value: "DIR", help: "the TUF keys folder (root/ and keys/)" },
    out: { type: "string", value: "DIR", help: "sign: the built site whose tuf/ metadata to re-sign" },
    role: { type: "string", value: "ROLE", help: "rotate: root, targets, snapshot or timestamp" },
    "root-keys": { type: "string", value: "N", help: "init: how many root keys (default 1)" },
    "root-threshold": { type: "string", value: "M", help: "init: how many root keys must sign (default 1)" },
    count: { type: "string", value: "N", help: "rotate: how many new keys (default 1)" },
    threshold: { type: "string", value: "M", help: "rotate: how many of them must sign (default 1)" },
  },
  exit: "0 done, 2 usage, keys or I/O error",
  async run({ values, positionals, format, io }) {
    const [action, ...rest] = positionals;
    if (!action || rest.length > 0 || !(ACTIONS as readonly string[]).includes(action)) {
      throw new UsageError(`name one action: ${ACTIONS.join(", ")}`);
    }
    if (!values.keys) throw new UsageError("pass --keys DIR (the TUF keys folder)");
    const keys = path.resolve(io.cwd, values.keys);
    if (action === "init") {
      const rootKeys = count(values["root-keys"], "--root-keys");
      const rootThreshold = count(values["root-threshold"], "--root-threshold");
      const made = initTufKeys(keys, {
        ...(rootKeys ? { keys: { root: rootKeys } } : {}),
        ...(rootThreshold ? { thresholds: { root: rootThreshold } } : {}),
      });
      output(
        io,
        format,
        made,
        () => `created ${made.root} and ${made.keyFiles.length} private keys in ${path.join(keys, "keys")}\n`,
      );
      return 0;
    }
    if (action === "sign") {
      if (!values.out) throw new UsageError("pass --out DIR (the built site to sign again)");
      const report = resignTuf(path.resolve(io.cwd, values.out), keys, { env: io.env });
      output(
        io,
        format,
        report,
        () =>
          `signed ${report.targets} targets: ${report.written.length} metadata files written (${report.written.join(", ") || "none"})\n`,
      );
      return 0;
    }
    const role = values.role;
    if (!role || !(TOP_ROLES as readonly string[]).includes(role)) {
      throw new UsageError(`pass --role with one of ${TOP_ROLES.join(", ")}`);
    }
    const n = count(values.count, "--count");
    const m = count(values.threshold, "--threshold");
    const rotated = rotateTufKeys(keys, role as TopRole, {
      ...(n ? { count: n } : {}),
      ...(m ? { threshold: m } : {}),
      env: io.env,
    });
    output(
      io,
      format,
      rotated,
      () =>
        `${role} keys replaced: ${rotated.root} (root version ${rotated.version}); new keys in ${path.join(keys, "keys")}\n`,
    );
    return 0;
  },
});
