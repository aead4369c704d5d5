import { terminalStyle, terminalText } from "../core/text/terminal.ts";
import type { CliIO, Format } from "./command.types.ts";

/** Writes a command's result: JSON for scripts, text for people. */
export function output(io: CliIO, format: Format, value: unknown, text: () => string): void {
  io.stdout(format === "json" ? `${JSON.stringify(value, null, 2)}\n` : text());
}

/**
 * Text from outside (author text, certificate names, file names, error messages) as printed on
 * a terminal: control, bidi and invisible characters are shown escaped, never interpreted. The
 * rule is core's (core/text/terminal.ts), shared with the Action and the site's targets.
 */
export const printable = terminalText;

/**
 * ANSI colour on a terminal, never with NO_COLOR. Tagged as our own, so the output guard in
 * main() lets it through while it escapes every other escape sequence.
 */
export function colour(io: CliIO, code: string, text: string): string {
  return io.isTTY && !io.env.NO_COLOR ? terminalStyle(code, text) : text;
}
