import { cliRepositoryProblem } from "../finfocus/cli-registry-entry.ts";
import type { EntryRule } from "./rule.types.ts";

/**
 * The FinFocus CLI parses `repository` as owner/repo without dots: warn about one it cannot parse,
 * since `finfocus plugin install` cannot find such a plugin and registry.json leaves it out.
 */
export const finfocusRepository: EntryRule = ({ entry, file }) => {
  const problem = cliRepositoryProblem(entry.repository);
  if (!problem) return [];
  return [
    {
      code: "REPOSITORY_UNSUPPORTED",
      severity: "warning",
      message: `repository '${entry.repository}' ${problem}: \`finfocus plugin install\` cannot fetch this plugin and registry.json leaves it out; rename the repository to install it with the FinFocus CLI`,
      file,
      pointer: "/repository",
    },
  ];
};
