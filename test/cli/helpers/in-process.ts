import type { CliIO } from "../../../cli/command.types.ts";
import { main } from "../../../cli/main.ts";

/** The CLI run in this process (`main`), its output captured; `io` sets the rest (cwd, env, isTTY). */
export async function runCli(
  argv: string[],
  io: Partial<Omit<CliIO, "stdout" | "stderr">> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    isTTY: false,
    ...io,
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
  });
  return { code, stdout, stderr };
}
