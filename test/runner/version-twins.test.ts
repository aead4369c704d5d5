/**
 * A registry server (malicious, or built by anything but our gate) lists `1.0.0+evil` beside
 * `1.0.0`. The two are one version in SemVer precedence, so sorting cannot choose between them:
 * the runner never resolves to a build-metadata twin, whatever the listing order.
 */
import assert from "node:assert/strict";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { install } from "../../runner/ops/install.ts";
import { tarGz } from "./helpers/archives.ts";
import { testContext } from "./helpers/context.ts";
import { publish } from "./helpers/registry.ts";
import { type StaticServer, startServer } from "./helpers/server.ts";

const binary = (text: string) =>
  tarGz([{ path: "finfocus-plugin-twin", data: `#!/bin/sh\necho ${text}\n`, mode: 0o755 }]);

let server: StaticServer;
const temps: string[] = [];
before(async () => {
  server = await startServer();
  publish(server, [
    {
      name: "twin",
      versions: [
        { version: "1.0.0+evil", archive: binary("evil") },
        { version: "1.0.0", archive: binary("reviewed") },
      ],
    },
  ]);
});
after(async () => {
  await server.close();
  for (const dir of temps) await rm(dir, { recursive: true, force: true });
});

for (const constraint of [undefined, "^1.0.0", "1.0.0", "1.0.0+evil"]) {
  test(`install twin${constraint ? `@${constraint}` : ""} picks 1.0.0, never 1.0.0+evil`, async () => {
    const c = await testContext(server.url);
    temps.push(c.tmp);
    const result = await install(c, { plugins: [{ name: "twin", ...(constraint ? { constraint } : {}) }] });
    assert.deepEqual(
      result.installed.map((p) => `${p.name}@${p.version}`),
      ["twin@1.0.0"],
    );
    const script = await readFile(join(c.pluginDir, "twin", "v1.0.0", "finfocus-plugin-twin"), "utf8");
    assert.match(script, /reviewed/);
  });
}
