import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { createAjv } from "../../core/schema/create-ajv.ts";
import { build, copyFixture, listTree, tempDir } from "./helpers.ts";

const SCHEMAS = fileURLToPath(new URL("../../schemas/", import.meta.url));
const API = "https://registry.finfocus.dev/schemas/api/";

/** Which schema each generated JSON document must satisfy. */
function schemaFor(file: string): string | undefined {
  if (file === ".well-known/finfocus-registry.json") return "discovery";
  if (file === "api/v1/plugins/index.json") return "plugin-index";
  if (file === "api/v1/registry.json") return "registry-index";
  if (file === "api/v1/404.json") return "error";
  if (/^api\/v1\/plugins\/[^/]+\/index\.json$/.test(file)) return "plugin";
  if (/^api\/v1\/plugins\/[^/]+\/versions\/index\.json$/.test(file)) return "version-index";
  if (/\/manifest\.json$/.test(file)) return "manifest";
  if (/\/bundle\.sigstore\.json$/.test(file)) return "bundle";
  return undefined;
}

test("every generated document validates against its schema (draft 2020-12, strict ajv)", async () => {
  const ajv = createAjv();
  ajv.addSchema(JSON.parse(readFileSync(path.join(SCHEMAS, "plugin-manifest.schema.json"), "utf8")));
  for (const file of readdirSync(path.join(SCHEMAS, "api"))) {
    ajv.addSchema(JSON.parse(readFileSync(path.join(SCHEMAS, "api", file), "utf8")));
  }
  const { dir, cleanup } = tempDir();
  try {
    const out = path.join(dir, "out");
    await build(copyFixture(dir), out);
    const checked = new Set<string>();
    for (const file of listTree(out)) {
      const kind = schemaFor(file);
      if (file.endsWith(".xml")) continue;
      assert.ok(kind, `no schema is known for ${file}`);
      if (kind === "bundle") continue; // Sigstore's own format, copied as merged.
      const id =
        kind === "manifest"
          ? "https://registry.finfocus.dev/schemas/plugin-manifest.schema.json"
          : `${API}${kind}.schema.json`;
      const validate = ajv.getSchema(id);
      assert.ok(validate, `schema ${id} is not loaded`);
      const data = JSON.parse(readFileSync(path.join(out, file), "utf8"));
      assert.ok(validate(data), `${file}: ${JSON.stringify(validate.errors)}`);
      checked.add(kind);
    }
    assert.deepEqual([...checked].sort(), [
      "discovery",
      "error",
      "manifest",
      "plugin",
      "plugin-index",
      "registry-index",
      "version-index",
    ]);
  } finally {
    cleanup();
  }
});
