import { runInstalled } from "../../runner/sandbox/run-installed.ts";
import { defineCommand } from "../define-command.ts";
import { UsageError } from "../errors.ts";
import { contextFromArgs, RUNNER_OPTIONS } from "../runner-cli.ts";

const SIGNALS = ["SIGTERM", "SIGINT", "SIGHUP"] as const;

export const runCommand = defineCommand({
  name: "run",
  summary: "start an installed plugin inside the sandbox its permissions allow",
  args: "NAME [-- ARGS...]",
  description: `Starts the installed plugin NAME with ARGS inside a bubblewrap sandbox built from the permissions
granted at install (docs/sandbox.md): its own network namespace unless it has network_access (the
host's --port=N is relayed in), only its folder (read-only), its data folder and configuration as
granted, a minimal environment unless environment_read, a memory ceiling. The executable is
checked against its install-time digest first. Without a sandbox on this machine, a plugin with
sandbox_required is refused (so is any plugin with --require-sandbox); others run with a warning.
SIGTERM, SIGINT and SIGHUP are passed to the plugin, which has 10 seconds to stop before SIGKILL.
Exits with the plugin's status.`,
  options: {
    "require-sandbox": { type: "boolean", help: "refuse to start the plugin without a sandbox" },
    "no-sandbox": {
      type: "boolean",
      help: "start it without a sandbox (refused when the plugin requires one)",
    },
    ...RUNNER_OPTIONS,
  },
  exit: "0 the plugin exited 0 (else its own status), 1 refused (not installed, modified, no sandbox), 2 usage error",
  async run({ values, positionals, io }) {
    const [name, ...args] = positionals;
    if (!name) throw new UsageError("name an installed plugin");
    if (values["require-sandbox"] && values["no-sandbox"]) {
      throw new UsageError("--require-sandbox and --no-sandbox do not combine");
    }
    const context = await contextFromArgs(values, io);
    const started = await runInstalled({
      name,
      pluginDir: context.pluginDir,
      args,
      env: io.env,
      stdio: "pipe",
      ...(values["require-sandbox"] ? { requireSandbox: true } : {}),
      ...(values["no-sandbox"] ? { noSandbox: true } : {}),
      warn: (line) => io.stderr(`${line}\n`),
    });
    started.child.stdout?.on("data", (chunk: Buffer) => io.stdout(chunk.toString("utf8")));
    started.child.stderr?.on("data", (chunk: Buffer) => io.stderr(chunk.toString("utf8")));
    // The host's port could not be relayed (taken meanwhile): say so and stop the plugin.
    started.ready.catch(async (error: Error) => {
      if (started.child.exitCode !== null || started.child.signalCode !== null) return;
      io.stderr(`${name}: its port could not be reached from the host: ${error.message}\n`);
      await started.stop();
    });
    // SIGTERM, SIGINT or SIGHUP reach the plugin itself inside the sandbox; SIGKILL follows after
    // the grace period (runner/sandbox/sandbox-process.ts: 10 s) if it has not stopped.
    const forward = (signal: NodeJS.Signals) => void started.terminate(signal);
    for (const signal of SIGNALS) process.on(signal, forward);
    try {
      return await started.exited;
    } finally {
      for (const signal of SIGNALS) process.off(signal, forward);
      await started.stop();
    }
  },
});
