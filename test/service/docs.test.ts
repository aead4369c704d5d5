/** docs/daemon.md stays true to the code: the error mapping and the default health thresholds. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { GRPC_STATUS_OF_ERROR, grpcStatusOf } from "../../core/codes/grpc-status.ts";
import { DEFAULT_THRESHOLDS } from "../../core/health/index.ts";

const DOC = readFileSync(join(import.meta.dirname, "../../docs/daemon.md"), "utf8");

test("every row of the error mapping is the code's status, and every mapped error code has a row", () => {
  const rows = [...DOC.matchAll(/^\| `([A-Z_]+)` +\| `([A-Z_]+)` +\|$/gm)].map((m) => [m[1], m[2]] as const);
  assert.ok(rows.length > 20, "the table is found");
  for (const [code, status] of rows) assert.equal(grpcStatusOf(code), status, code);
  const documented = new Set(rows.map(([code]) => code));
  for (const code of Object.keys(GRPC_STATUS_OF_ERROR)) assert.ok(documented.has(code), `${code} has a row`);
});

test("the documented default thresholds are core's", () => {
  const value = (name: string) => {
    const m = new RegExp(`^\\| ${name} +\\| ([0-9.,]+)`, "m").exec(DOC);
    assert.ok(m, name);
    return Number(m[1]?.replace(",", ""));
  };
  assert.equal(value("window"), DEFAULT_THRESHOLDS.window);
  assert.equal(value("slow \\(median latency\\)"), DEFAULT_THRESHOLDS.slowMs);
  assert.equal(value("warning error rate"), DEFAULT_THRESHOLDS.warningErrorRate);
  assert.equal(value("critical error rate"), DEFAULT_THRESHOLDS.criticalErrorRate);
  assert.equal(value("critical consecutive failures"), DEFAULT_THRESHOLDS.criticalConsecutive);
});
