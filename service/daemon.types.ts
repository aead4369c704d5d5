import type { RunnerContext } from "../runner/index.ts";
import type { HealthMonitor } from "./health-monitor.ts";

/** What every RPC handler works with: the runner's context (sources followed live), approvals, health. */
export interface DaemonState {
  /** The base context; `sources` entries are replaced as followed sources change. */
  context: RunnerContext;
  approvalsFile: string;
  monitor: HealthMonitor;
}

/** A handler: the request message object in, the response message object out; errors are thrown. */
export type Handler = (
  state: DaemonState,
  request: Record<string, unknown>,
) => Promise<Record<string, unknown>>;
