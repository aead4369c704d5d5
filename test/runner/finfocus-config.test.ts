/**
 * installed_plugins in the FinFocus CLI's config.yaml: edited in place with the `yaml` document
 * model (comments, other keys and indentation kept), written atomically, and never rewritten when
 * it cannot be read back as the CLI's shape.
 */
import assert from "node:assert/strict";
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import {
  FinfocusConfigError,
  installedPlugins,
  withInstalledPlugin,
  withoutInstalledPlugin,
} from "../../runner/install/finfocus-config.ts";
import {
  finfocusConfigPath,
  forgetInstalled,
  noteInstalled,
  recordInstalled,
} from "../../runner/install/finfocus-config-fs.ts";
import { layoutFor } from "../../runner/install/layout.ts";
import { listExternal } from "../../runner/ops/list.ts";

const a = { name: "a", url: "github.com/o/a", version: "v1.0.0" };

test("a new config is the CLI's own shape (yaml.v3 style: 4 spaces, nested list indented)", () => {
  const text = withInstalledPlugin("", a);
  assert.equal(text, "installed_plugins:\n    - name: a\n      url: github.com/o/a\n      version: v1.0.0\n");
  assert.deepEqual(parse(text), { installed_plugins: [a] });
});

test("update in place keeps comments, other keys and the file's indentation (yaml's printer spaces inside lines); remove drops every match", () => {
  const before = `# mine
logging:
  level: debug # noisy
installed_plugins:
- name: a # pinned by hand
  url: github.com/o/a
  version: v0.9.0
- name: b
  url: ""
  version: v2.0.0
cost:
  cache: { enabled: true }
`;
  const updated = withInstalledPlugin(before, a);
  assert.equal(updated, before.replace("v0.9.0", "v1.0.0"));
  const added = withInstalledPlugin(updated, { name: "c", url: "", version: "v3.0.0" });
  assert.match(added, /- name: c\n {2}url: ""\n {2}version: v3.0.0\n/);
  assert.deepEqual(
    installedPlugins(added).map((p) => p.name),
    ["a", "b", "c"],
  );
  const removed = withoutInstalledPlugin(added, "a");
  assert.match(removed, /^# mine\nlogging:\n {2}level: debug # noisy\n/);
  assert.deepEqual(
    installedPlugins(removed).map((p) => p.name),
    ["b", "c"],
  );
  assert.equal(withoutInstalledPlugin(removed, "zzz"), removed, "nothing to remove: unchanged");
});

test("configs the CLI's shape does not fit are refused, not rewritten", () => {
  for (const text of ["a: [", "a: 1\na: 2\n", "- just\n- a list\n", "installed_plugins: {a: 1}\n"]) {
    assert.throws(() => withInstalledPlugin(text, a), FinfocusConfigError, text);
  }
  assert.equal(withInstalledPlugin("installed_plugins:\n", a).includes("name: a"), true, "null is empty");
});

test("the file: atomic, mode kept (0600 when new), lock held, failures are warnings", async () => {
  const home = await mkdtemp(join(tmpdir(), "ffr-config-"));
  try {
    const pluginDir = join(home, "plugins");
    const layout = layoutFor(pluginDir);
    assert.equal(finfocusConfigPath(pluginDir), join(home, "config.yaml"));
    assert.equal(finfocusConfigPath(join(home, "elsewhere")), undefined, "not the CLI's layout: left alone");
    assert.equal(finfocusConfigPath(pluginDir, false), undefined);
    assert.equal(finfocusConfigPath(pluginDir, "/x.yaml"), "/x.yaml");
    const file = join(home, "config.yaml");
    await recordInstalled(layout, file, a);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    await writeFile(file, `# keep\n${await readFile(file, "utf8")}`);
    await chmod(file, 0o640);
    await recordInstalled(layout, file, { ...a, version: "v1.1.0" });
    assert.equal((await stat(file)).mode & 0o777, 0o640);
    assert.match(await readFile(file, "utf8"), /^# keep\n[\s\S]*version: v1\.1\.0/);
    assert.deepEqual(
      (await readdir(home)).filter((f) => f.includes(".tmp")),
      [],
      "no temp file left",
    );
    await forgetInstalled(layout, file, "a");
    assert.deepEqual(parse(await readFile(file, "utf8")), { installed_plugins: [] });
    await writeFile(file, "installed_plugins: [\n");
    const warnings = await noteInstalled(layout, file, { name: "a", version: "1.0.0", repository: "o/a.js" });
    assert.equal(warnings.length, 1);
    assert.equal(
      await readFile(file, "utf8"),
      "installed_plugins: [\n",
      "a config it cannot read stays as it was",
    );
    // Not UTF-8: a warning naming the file, and not one byte changed (no U+FFFD written back).
    const latin1 = Buffer.from("owner: caf\xe9\ninstalled_plugins: []\n", "latin1");
    await writeFile(file, latin1);
    const notUtf8 = await noteInstalled(layout, file, { name: "a", version: "1.0.0", repository: "o/a.js" });
    assert.equal(notUtf8.length, 1);
    assert.match(notUtf8[0] ?? "", /not UTF-8/);
    assert.deepEqual(await readFile(file), latin1);
    await writeFile(file, "");
    await noteInstalled(layout, file, { name: "a", version: "1.0.0", repository: "o/a.js" });
    assert.deepEqual(parse(await readFile(file, "utf8")).installed_plugins, [
      { name: "a", url: "", version: "v1.0.0" },
    ]);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

test("list says when the FinFocus config cannot be read, instead of dropping it silently", async () => {
  const home = await mkdtemp(join(tmpdir(), "ffr-config-list-"));
  try {
    const file = join(home, "config.yaml");
    await writeFile(file, "installed_plugins: [\n");
    const warnings: string[] = [];
    const external = await listExternal(join(home, "plugins"), file, "", (w) => warnings.push(w));
    assert.deepEqual(external, []);
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0]?.startsWith(`${file} was not read`), warnings[0]);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
