/**
 * The health history: one node:sqlite database, `<plugin-dir>/.finfocus-registry/health.sqlite`
 * (mode 0600, WAL so `health --watch` reads while the daemon writes), one row per check, pruned by
 * age and by a cap per plugin. It survives restarts: the daemon judges from it on its first call.
 */
import { chmodSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { HealthCheckRecord, HealthThresholds } from "../core/health/index.ts";

/** `<plugin-dir>/.finfocus-registry/health.sqlite`. */
export const healthDbPath = (pluginDir: string): string =>
  join(pluginDir, ".finfocus-registry", "health.sqlite");

export interface Retention {
  /** Rows older than this are deleted. Default 7 days. */
  maxAgeMs: number;
  /** At most this many rows are kept per plugin. Default 10,000. */
  maxPerPlugin: number;
}

export const DEFAULT_RETENTION: Retention = { maxAgeMs: 7 * 24 * 3600 * 1000, maxPerPlugin: 10_000 };

type Row = {
  plugin: string;
  checked_at: number;
  available: number;
  latency_ms: number;
  error_code: string | null;
  error_message: string | null;
};

function toRecord(row: Row): HealthCheckRecord {
  return {
    plugin: row.plugin,
    checked_at: Number(row.checked_at),
    available: row.available === 1,
    latency_ms: Number(row.latency_ms),
    ...(row.error_code ? { error_code: row.error_code as HealthCheckRecord["error_code"] & string } : {}),
    ...(row.error_message ? { error_message: row.error_message } : {}),
  };
}

/** The history database; `readOnly` for readers such as `health --watch`. */
export class HealthStore {
  readonly #db: DatabaseSync;

  constructor(file: string, options: { readOnly?: boolean } = {}) {
    if (!options.readOnly) mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
    this.#db = new DatabaseSync(file, { readOnly: options.readOnly === true });
    if (options.readOnly) return;
    chmodSync(file, 0o600);
    this.#db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA busy_timeout = 2000;
      CREATE TABLE IF NOT EXISTS checks (
        plugin TEXT NOT NULL,
        checked_at INTEGER NOT NULL,
        available INTEGER NOT NULL,
        latency_ms REAL NOT NULL,
        error_code TEXT,
        error_message TEXT
      );
      CREATE INDEX IF NOT EXISTS checks_by_plugin ON checks (plugin, checked_at DESC);
      CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
  }

  /** Appends one check. */
  record(r: HealthCheckRecord): void {
    this.#db
      .prepare(
        "INSERT INTO checks (plugin, checked_at, available, latency_ms, error_code, error_message) VALUES (?, ?, ?, ?, ?, ?)",
      )
      .run(
        r.plugin,
        r.checked_at,
        r.available ? 1 : 0,
        r.latency_ms,
        r.error_code ?? null,
        r.error_message?.slice(0, 1000) ?? null,
      );
  }

  /** The latest `limit` checks of one plugin, newest first. */
  recent(plugin: string, limit: number): HealthCheckRecord[] {
    const rows = this.#db
      .prepare("SELECT * FROM checks WHERE plugin = ? ORDER BY checked_at DESC LIMIT ?")
      .all(plugin, limit) as Row[];
    return rows.map(toRecord);
  }

  /** The latest `limit` checks of every plugin that has any. */
  recentAll(limit: number): Map<string, HealthCheckRecord[]> {
    const rows = this.#db
      .prepare(
        `SELECT plugin, checked_at, available, latency_ms, error_code, error_message FROM (
           SELECT *, row_number() OVER (PARTITION BY plugin ORDER BY checked_at DESC) AS n FROM checks
         ) WHERE n <= ? ORDER BY plugin, checked_at DESC`,
      )
      .all(limit) as Row[];
    const out = new Map<string, HealthCheckRecord[]>();
    for (const row of rows) out.set(row.plugin, [...(out.get(row.plugin) ?? []), toRecord(row)]);
    return out;
  }

  /** Deletes what the retention does not keep; returns how many rows went. */
  prune(now: number, retention: Retention = DEFAULT_RETENTION): number {
    const old = this.#db.prepare("DELETE FROM checks WHERE checked_at < ?").run(now - retention.maxAgeMs);
    const over = this.#db
      .prepare(
        `DELETE FROM checks WHERE rowid IN (SELECT rowid FROM (
           SELECT rowid, row_number() OVER (PARTITION BY plugin ORDER BY checked_at DESC) AS n FROM checks
         ) WHERE n > ?)`,
      )
      .run(retention.maxPerPlugin);
    return Number(old.changes) + Number(over.changes);
  }

  /** Keeps the thresholds the daemon judges with, so readers (`health --watch`) judge the same way. */
  saveThresholds(thresholds: HealthThresholds): void {
    this.#db
      .prepare("INSERT OR REPLACE INTO settings (key, value) VALUES ('thresholds', ?)")
      .run(JSON.stringify(thresholds));
  }

  /** The thresholds the daemon last judged with, if it saved them. */
  thresholds(): HealthThresholds | undefined {
    try {
      const row = this.#db.prepare("SELECT value FROM settings WHERE key = 'thresholds'").get() as
        | { value: string }
        | undefined;
      return row ? (JSON.parse(row.value) as HealthThresholds) : undefined;
    } catch {
      return undefined;
    }
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }
}
