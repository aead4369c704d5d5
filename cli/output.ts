import type { CliIO, Format } from "./command.types.ts";

/** Writes a command's result: JSON for scripts, text for people. */
export function output(io: CliIO, format: Format, value: unknown, text: () => string): void {
  io.stdout(format === "json" ? `${JSON.stringify(value, null, 2)}\n` : text());
}

/**
 * Text from outside (author text, certificate names, file names, error messages) as printed on
 * a terminal: control and bidi characters are shown escaped, never interpreted.
 */
export function printable(text: string): string {
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
    /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** ANSI colour on a terminal, never with NO_COLOR. */
export function colour(io: CliIO, code: string, text: string): string {
  return io.isTTY && !io.env.NO_COLOR ? `\x1b[${code}m${text}\x1b[0m` : text;
}
