import { finfocusRepository } from "./finfocus-repository.ts";
import type { EntryRule } from "./rule.types.ts";

/** Every semantic rule for an entry.json, run after it passed the schema (docs/findings.md). */
export const entryRules: readonly EntryRule[] = [finfocusRepository];
