/** core/health: a plugin's state from its window of checks, and the roll-up of its dependencies. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DEFAULT_THRESHOLDS,
  type HealthCheckRecord,
  judgeAll,
  judgeChecks,
  type MonitoredPlugin,
} from "../../core/health/index.ts";

const NOW = 1_000_000;
const T = DEFAULT_THRESHOLDS;

/** Checks of `plugin`, newest last, one a second up to NOW: "ok", "slow" (2 s) or "fail". */
function history(plugin: string, ...kinds: ("ok" | "slow" | "fail")[]): HealthCheckRecord[] {
  return kinds.map((k, i) => ({
    plugin,
    checked_at: NOW - (kinds.length - 1 - i) * 1000,
    available: k !== "fail",
    latency_ms: k === "slow" ? 2000 : 5,
    ...(k === "fail" ? { error_code: "SERVICE_UNAVAILABLE" as const } : {}),
  }));
}

const state = (records: HealthCheckRecord[], now = NOW) => judgeChecks("p", records, T, now).state;

test("own state: Unknown without data or when stale; Healthy; Warning when slow or failing sometimes; Critical", () => {
  assert.equal(state([]), "Unknown");
  assert.equal(state(history("p", "ok"), NOW + T.staleAfterMs + 1), "Unknown");
  assert.equal(state(history("p", "ok", "ok", "ok")), "Healthy");
  assert.equal(state(history("p", "slow", "slow", "ok")), "Warning", "median latency at the threshold");
  assert.equal(state(history("p", "slow", "ok", "ok")), "Healthy", "one slow answer is not the median");
  assert.equal(state(history("p", ...Array(9).fill("ok"), "fail")), "Warning", "one failure in ten");
  assert.equal(
    state(history("p", ...Array(7).fill("ok"), "fail", "fail", "fail")),
    "Critical",
    "three in a row",
  );
  assert.equal(state(history("p", "fail")), "Critical", "every check of the window failed");
  assert.equal(
    state(history("p", "fail", "ok", "fail", "ok", "fail", "ok", "fail", "ok", "fail", "ok")),
    "Critical",
  );
  assert.equal(
    state(history("p", ...Array(3).fill("fail"), ...Array(10).fill("ok"))),
    "Healthy",
    "outside the window",
  );
});

test("roll-up: required dependencies pass their state on, optional ones at most Warning, missing ones are Critical", () => {
  const plugins: MonitoredPlugin[] = [
    { name: "app", monitored: true, dependencies: [{ name: "db", optional: false }] },
    { name: "db", monitored: true, dependencies: [{ name: "cache", optional: true }] },
    { name: "cache", monitored: true, dependencies: [] },
    { name: "lonely", monitored: true, dependencies: [{ name: "gone", optional: false }] },
    { name: "quiet", monitored: false, dependencies: [] },
  ];
  const records = new Map([
    ["app", history("app", "ok", "ok")],
    ["db", history("db", "ok", "ok")],
    ["cache", history("cache", "fail", "fail", "fail")],
    ["lonely", history("lonely", "ok")],
  ]);
  const judged = new Map(judgeAll(plugins, records, T, NOW).map((h) => [h.plugin, h]));
  assert.deepEqual(
    [...judged.values()].map((h) => [h.plugin, h.own_state, h.state]),
    [
      ["app", "Healthy", "Warning"],
      ["cache", "Critical", "Critical"],
      ["db", "Healthy", "Warning"],
      ["lonely", "Healthy", "Critical"],
      ["quiet", "Unknown", "Unknown"],
    ],
  );
  assert.deepEqual(
    judged.get("lonely")?.reasons.map((r) => [r.code, r.component]),
    [["DEPENDENCY_NOT_FOUND", "gone"]],
  );
  assert.deepEqual(
    judged.get("quiet")?.reasons.map((r) => r.code),
    ["PLUGIN_NOT_MONITORED"],
  );
});

test("roll-up: a dependency cycle is cut, not followed forever", () => {
  const plugins: MonitoredPlugin[] = [
    { name: "a", monitored: true, dependencies: [{ name: "b", optional: false }] },
    { name: "b", monitored: true, dependencies: [{ name: "a", optional: false }] },
  ];
  const records = new Map([
    ["a", history("a", "ok")],
    ["b", history("b", "fail")],
  ]);
  const judged = judgeAll(plugins, records, T, NOW);
  assert.deepEqual(
    judged.map((h) => [h.plugin, h.state]),
    [
      ["a", "Critical"],
      ["b", "Critical"],
    ],
  );
});
