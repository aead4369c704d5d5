import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Fetcher } from "../../../core/net/fetcher.types.ts";
import { createHttpFetcher } from "../../../net/http-fetcher.ts";
import type { RunnerContext } from "../../../runner/context.ts";
import { type ClientOptions, createContext } from "../../../runner/create-context.ts";

export const testSystem = { os: "linux", arch: "amd64", memoryMb: 8192, freeDiskMb: 100_000 };

/** A context bound to a loopback registry and fresh temp folders; counts requests. */
export async function testContext(
  registryUrl: string,
  options: ClientOptions = {},
): Promise<RunnerContext & { requests: string[]; tmp: string }> {
  const tmp = await mkdtemp(join(tmpdir(), "ffr-run-"));
  const requests: string[] = [];
  const real = createHttpFetcher({ allowLoopbackHttp: true, retries: 1, backoffMs: 10, deadlineMs: 5000 });
  const fetcher: Fetcher = {
    get: (req) => {
      requests.push(new URL(req.url).pathname);
      return real.get(req);
    },
  };
  const context = createContext({
    pluginDir: join(tmp, "plugins"),
    cacheDir: join(tmp, "cache"),
    registryUrl,
    fetcher,
    allowLoopbackHttp: true,
    system: testSystem,
    lockTimeoutMs: 10_000,
    ...options,
    tuf: { dir: join(tmp, "tuf"), ...options.tuf },
  });
  return Object.assign(context, { requests, tmp });
}
