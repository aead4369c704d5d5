import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { serve } from "../../generator/serve.ts";
import type { Command } from "../command.types.ts";

const usage = `Usage: finfocus-registry serve [--dir DIR] [--port N] [--host ADDR] [--artifacts DIR]

Serves a build (default ./_site) for previewing: the site, the API (/api/v1/…, with the spec's
JSON errors for missing documents) and the feeds, with ETag/If-None-Match and gzip. With
--artifacts (default demo/artifacts when it exists), files in DIR are served under /artifacts/,
so the install runner can use --artifact-mirror http://HOST:PORT/artifacts/.
Listens on 127.0.0.1:4321 by default; stop it with Ctrl-C. Not a production server.`;

export const serveCommand: Command = {
  name: "serve",
  summary: "preview a build with a local static server",
  usage,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        dir: { type: "string", default: "_site" },
        port: { type: "string", default: "4321" },
        host: { type: "string", default: "127.0.0.1" },
        artifacts: { type: "string" },
      },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      io.stderr(`serve: --port must be a number from 0 to 65535\n${usage}\n`);
      return 2;
    }
    const dir = path.resolve(io.cwd, values.dir);
    if (!(await stat(dir).catch(() => undefined))?.isDirectory()) {
      io.stderr(`serve: no folder at ${values.dir}: run 'finfocus-registry build' first or pass --dir\n`);
      return 2;
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
    });
    io.stdout(`serving ${path.relative(io.cwd, dir) || "."} at ${url}\n`);
    io.stdout(`  API:       ${url}api/v1/plugins/index.json\n`);
    if (artifactsDir)
      io.stdout(`  artifacts: ${url}artifacts/ (from ${path.relative(io.cwd, artifactsDir)})\n`);
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
};
