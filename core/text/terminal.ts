import { HIDDEN, jsonEscape } from "./code-points.ts";

/**
 * Marks the control sequences this process emits itself (colours, the progress bar's carriage
 * return). The nonce is random per process, so text from a manifest or a server cannot forge it.
 * Made on first use (Web Crypto's global, not node:crypto, which would cost every start of the
 * CLI a module load): until then no tagged sequence exists and the guard makes everything inert.
 */
let tag: string | undefined;
function ownTag(): string {
  if (tag === undefined) {
    const nonce = crypto.getRandomValues(new Uint8Array(8));
    tag = `\uF8FF${Array.from(nonce, (b) => b.toString(16).padStart(2, "0")).join("")}\uF8FF`;
  }
  return tag;
}
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
  return `${ownTag()}\x1b[${sgr}m${text}${ownTag()}\x1b[0m`;
}

/** Our own carriage return (redrawing a progress line), which the output guard lets through. */
export function terminalReturn(): string {
  return `${ownTag()}\r`;
}

/**
 * The guard on everything the CLI writes: newlines and tabs stay, our own tagged controls stay,
 * every other hidden character becomes a `\u001b`-style escape. JSON output stays valid JSON with
 * the same data (a raw C1 or bidi character inside a string becomes its `\u` escape).
 */
export function terminalOutput(chunk: string): string {
  const inert = (text: string) =>
    text.replace(HIDDEN, (ch) => (ch === "\n" || ch === "\t" ? ch : jsonEscape(ch)));
  if (tag === undefined) return inert(chunk); // nothing of ours was styled yet
  const [first = "", ...tagged] = chunk.split(tag);
  let out = inert(first);
  for (const part of tagged) {
    const own = OWN.exec(part)?.[0] ?? "";
    out += own + inert(part.slice(own.length));
  }
  return out;
}
