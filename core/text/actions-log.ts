import { HIDDEN, jsonEscape } from "./code-points.ts";

/** A zero-width space: `:​:` reads as `::` but is no workflow command. */
const ZWSP = "\u200b";

/**
 * Untrusted text for a GitHub Actions log line or annotation. The runner reads a workflow command
 * from any line of stdout or stderr that starts with `::` (after leading spaces; `\r` also ends a
 * line), and a legacy `##[command]` anywhere in a line. Here no `::` and no `##[` survive, so
 * nothing quoted from a manifest can set an output, mask text, fake an annotation or
 * `::stop-commands::` the real ones; hidden characters (ANSI colours, `\r`, bidi controls)
 * become `\u001b`-style escapes. Newlines stay: every line is inert on its own.
 */
export function actionsLogText(text: string): string {
  return text
    .replace(HIDDEN, (ch) => (ch === "\n" ? ch : jsonEscape(ch)))
    .replace(/:(?=:)/g, `:${ZWSP}`)
    .replace(/#(?=#\[)/g, `#${ZWSP}`);
}
