import type { SandboxSupport } from "../../core/permissions/sandbox-policy.types.ts";
import { probeSandbox } from "../../runner/sandbox/probe.ts";
import { defineCommand } from "../define-command.ts";
import { output } from "../output.ts";

/** What limits a sandbox here, said without claiming more than the probe found. */
function limitsLine(support: SandboxSupport): string {
  const cgroups = support.cgroups;
  const whole = [
    ...(cgroups?.tasks ? ["processes and threads (pids cgroup)"] : []),
    ...(cgroups?.memory ? ["all memory, /tmp and memfd included (memory cgroup)"] : []),
  ];
  const rest = [
    ...(cgroups?.tasks ? [] : ["processes and threads are NOT limited"]),
    ...(cgroups?.memory
      ? []
      : ["memory only per process (RLIMIT_DATA): /tmp and memfd pages are NOT counted"]),
  ];
  const why = cgroups?.problem ?? (cgroups ? undefined : "without a sandbox no cgroup is made");
  const said = [...(whole.length ? [`each sandbox capped as a whole: ${whole.join("; ")}`] : []), ...rest];
  return `${said.join("; ")}${why && rest.length ? ` (${why})` : ""}`;
}

export const doctorCommand = defineCommand({
  name: "doctor",
  summary: "report what this machine supports: the plugin sandbox (bubblewrap, namespaces, limits)",
  description: `Probes the plugin sandbox the way \`run\` uses it: finds bubblewrap (FINFOCUS_BWRAP, else bwrap on
PATH), starts a trial sandbox with its own user, PID, IPC, UTS and network namespaces, and checks
that prlimit can apply memory ceilings and that perl (and nsenter, on architectures other than
x86-64 and arm64) can run the port relay, and whether a cgroup of its own can cap each sandbox's
processes, threads and memory (else only the per-process RLIMIT_DATA applies, and the limits line
says so). Says what to install or enable when something is missing.
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
        `limits:     ${limitsLine(support)}`,
        `sandbox:    ${ok ? "available: plugins run inside the permissions they were granted" : `NOT available: ${support.problem}`}`,
        "",
      ].join("\n"),
    );
    return ok ? 0 : 1;
  },
});
