import { finding } from "./finding.ts";
import type { Rule } from "./rule.types.ts";

/** updated_at is not before created_at. */
export const timestamps: Rule = (ctx) => {
  const { created_at: created, updated_at: updated } = ctx.manifest.metadata;
  if (!created || !updated) return [];
  const c = Date.parse(created);
  const u = Date.parse(updated);
  if (Number.isNaN(c) || Number.isNaN(u) || u >= c) return [];
  return [
    finding(
      ctx,
      "TIMESTAMP_ORDER",
      "/metadata/updated_at",
      `updated_at (${updated}) is before created_at (${created})`,
    ),
  ];
};
