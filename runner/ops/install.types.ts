/** What an install asks for and what it answers (runner/ops/install.ts). */
import type { InstalledPlugin } from "../install/state.types.ts";

/** The spec's InstallPlugin, for one or more plugins with their dependencies. */
export interface InstallRequest {
  plugins: { name: string; constraint?: string }[];
  /** Reinstall even when the resolved version is installed already. */
  force?: boolean;
  includePrerelease?: boolean;
  /** Names re-resolved even if an installed version satisfies the constraints (update). */
  upgrade?: string[];
  /** Let the closure replace an installed plugin with an older version (`--allow-downgrade`). */
  allowDowngrade?: boolean;
}

/** The health check after an install (core/health/after-install.ts): its state, or why it was skipped. */
export interface InstallHealth {
  name: string;
  version: string;
  status: "Healthy" | "Warning" | "Critical" | "Unknown" | "skipped";
  note?: string;
  /** How the checked plugin ran: inside bubblewrap, or without a sandbox (its permissions not enforced). */
  sandbox?: "bubblewrap" | "none";
}

export interface InstallResult {
  installed: InstalledPlugin[];
  health: InstallHealth[];
  unchanged: { name: string; version: string }[];
  warnings: string[];
}
