import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { serve } from "../../generator/serve.ts";
import { defineCommand } from "../define-command.ts";
import { UsageError } from "../errors.ts";
import { output } from "../output.ts";

export const serveCommand = defineCommand({
  name: "serve",
  summary: "preview a build with a local static server",
  description: `Serves a build for previewing: the site, the API (/api/v1/…, also on the spec's REST paths such as
/api/v1/plugins/NAME, with the spec's JSON errors for missing documents) and the feeds, with ETag/If-None-Match and gzip. Files in --artifacts
(default demo/artifacts when it exists) are served under /artifacts/, so the install runner can
use --artifact-mirror http://HOST:PORT/artifacts/. Stop it with Ctrl-C. Not a production
server. --format json prints {url, api, artifacts?} once it listens.`,
  options: {
    dir: { type: "string", value: "DIR", default: "_site", help: "the build to serve" },
    port: { type: "string", value: "N", default: "4321", help: "the port (0: any free port)" },
    host: { type: "string", value: "ADDR", default: "127.0.0.1", help: "the address to listen on" },
    artifacts: { type: "string", value: "DIR", help: "artifacts to serve under /artifacts/" },
  },
  exit: "0 stopped, 2 usage or I/O error",
  async run({ values, format, io }) {
    const port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) {
      throw new UsageError("--port must be a number from 0 to 65535");
    }
    const dir = path.resolve(io.cwd, values.dir);
    if (!(await stat(dir).catch(() => undefined))?.isDirectory()) {
      throw new UsageError(`no folder at ${values.dir}: run 'finfocus-registry build' first or pass --dir`);
    }
    const defaultArtifacts = path.resolve(io.cwd, "demo/artifacts");
    const artifactsDir =
      values.artifacts !== undefined
        ? path.resolve(io.cwd, values.artifacts)
        : existsSync(defaultArtifacts)
          ? defaultArtifacts
          : undefined;
    const { server, url } = await serve({
      dir,
      port,
      host: values.host,
      ...(artifactsDir ? { artifactsDir } : {}),
    }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE")
        throw new UsageError(
          `port ${port} on ${values.host} is in use (another serve or dev server?): stop it, or pass --port N (--port 0 picks a free port)`,
        );
      throw error;
    });
    const listening = {
      url,
      api: `${url}api/v1/plugins/index.json`,
      ...(artifactsDir ? { artifacts: `${url}artifacts/` } : {}),
    };
    output(io, format, listening, () =>
      [
        `serving ${path.relative(io.cwd, dir) || "."} at ${url}\n`,
        `  API:       ${listening.api}\n`,
        ...(artifactsDir
          ? [`  artifacts: ${url}artifacts/ (from ${path.relative(io.cwd, artifactsDir)})\n`]
          : []),
      ].join(""),
    );
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        server.close(() => resolve());
        server.closeAllConnections();
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
    return 0;
  },
});
