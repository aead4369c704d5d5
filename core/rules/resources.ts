import { escapeToken } from "../json/pointer.ts";
import { finding } from "./finding.ts";
import type { Rule } from "./rule.types.ts";

/** Resources are declared only for providers the plugin says it supports. */
export const resources: Rule = (ctx) => {
  const { supported_providers: providers, supported_resources: declared = {} } = ctx.manifest.specification;
  return Object.keys(declared)
    .filter((provider) => !providers.includes(provider as (typeof providers)[number]))
    .map((provider) =>
      finding(
        ctx,
        "RESOURCE_PROVIDER_UNDECLARED",
        `/specification/supported_resources/${escapeToken(provider)}`,
        `resources are listed for '${provider}', which is not in supported_providers: add it there or remove these resources`,
      ),
    );
};
