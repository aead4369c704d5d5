import { probeSandbox } from "../../runner/sandbox/probe.ts";
import { defineCommand } from "../define-command.ts";
import { output } from "../output.ts";

export const doctorCommand = defineCommand({
  name: "doctor",
  summary: "report what this machine supports: the plugin sandbox (bubblewrap, namespaces, limits)",
  description: `Probes the plugin sandbox the way \`run\` uses it: finds bubblewrap (FINFOCUS_BWRAP, else bwrap on
PATH), starts a trial sandbox with its own user, PID, IPC, UTS and network namespaces, and checks
that prlimit can apply memory ceilings and that perl (and nsenter, on architectures other than
x86-64 and arm64) can run the port relay. Says what to install or enable when something is missing.
Exit 0 when plugins can be sandboxed, 1 when they cannot (plugins with sandbox_required are then
refused; others run with a warning).`,
  options: {},
  exit: "0 sandbox available, 1 not available",
  async run({ format, io }) {
    const support = probeSandbox(io.env, true);
    const ok = Boolean(support.bwrap && support.namespaces);
    const report = { sandbox: { available: ok, ...support } };
    output(io, format, report, () =>
      [
        `bubblewrap: ${support.bwrap ? `${support.bwrap} (${support.bwrap_version ?? "version unknown"})` : "not found"}`,
        `namespaces: ${support.namespaces ? "a trial sandbox started (user, pid, ipc, uts, net)" : "no"}`,
        `sandbox:    ${ok ? "available: plugins run inside the permissions they were granted" : `NOT available: ${support.problem}`}`,
        "",
      ].join("\n"),
    );
    return ok ? 0 : 1;
  },
});
