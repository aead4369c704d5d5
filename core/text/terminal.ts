import { randomBytes } from "node:crypto";
import { HIDDEN, jsonEscape } from "./code-points.ts";

/**
 * Marks the control sequences this process emits itself (colours, the progress bar's carriage
 * return). The nonce is random per process, so text from a manifest or a server cannot forge it.
 */
const TAG = `\uF8FF${randomBytes(8).toString("hex")}\uF8FF`;
// biome-ignore lint/complexity/useRegexLiterals: a literal would need control characters that the linter refuses
const OWN = new RegExp("^(\\u001b\\[[0-9;]*m|\\r)");

/**
 * One untrusted value for a terminal line (a finding message, a plugin description): every hidden
 * character, newlines and tabs included, becomes a `\u001b`-style escape, so no escape sequence
 * (colours, cursor moves, OSC 8 hyperlinks, title changes) reaches the terminal and no value can
 * forge another output line.
 */
export function terminalText(value: string): string {
  return value.replace(HIDDEN, jsonEscape);
}

/** Our own SGR styling (`31` red, `33` yellow) around text, which the output guard lets through. */
export function terminalStyle(sgr: string, text: string): string {
  return `${TAG}\x1b[${sgr}m${text}${TAG}\x1b[0m`;
}

/** Our own carriage return (redrawing a progress line), which the output guard lets through. */
export const TERMINAL_RETURN = `${TAG}\r`;

/**
 * The guard on everything the CLI writes: newlines and tabs stay, our own tagged controls stay,
 * every other hidden character becomes a `\u001b`-style escape. JSON output stays valid JSON with
 * the same data (a raw C1 or bidi character inside a string becomes its `\u` escape).
 */
export function terminalOutput(chunk: string): string {
  const inert = (text: string) =>
    text.replace(HIDDEN, (ch) => (ch === "\n" || ch === "\t" ? ch : jsonEscape(ch)));
  const [first = "", ...tagged] = chunk.split(TAG);
  let out = inert(first);
  for (const part of tagged) {
    const own = OWN.exec(part)?.[0] ?? "";
    out += own + inert(part.slice(own.length));
  }
  return out;
}
