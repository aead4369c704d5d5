/**
 * The bundled CLI (scripts/build-cli.ts) as a package installs it: bin/ and dist/cli/ without the
 * TypeScript sources, run by the machine's Node 20 (when it has one) and by Node 24. It must answer
 * like the sources, load no command for --help, and the launcher must refuse a stale bundle on
 * Node 20 and run the sources on Node 24.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Script } from "node:vm";
import { Worker } from "node:worker_threads";
import { commands } from "../../cli/commands.ts";
import { main } from "../../cli/main.ts";
import { searchable, searchIndexes } from "../../core/text/search-filter.ts";
import { buildCli, copyLauncher, INPUTS_FILE, LAUNCHER_FILES } from "../../scripts/build-cli.ts";
import { SCRIPT_COMMANDS, scriptFile } from "../../scripts/cli-commands-module.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const manifest = path.join(root, "registry/plugins/aws-cost-explorer/versions/1.1.0.json");
const invalid = path.join(root, "test/fixtures/manifests/schema-container-bad-reference/manifest.json");

/** Every `node` on PATH (and /usr/bin/node) whose major version is 20: the oldest Node we support. */
function node20(): string | undefined {
  const found = spawnSync("which", ["-a", "node"], { encoding: "utf8" }).stdout.split("\n");
  for (const candidate of [...found, "/usr/bin/node"].filter(Boolean)) {
    const v = spawnSync(candidate, ["--version"], { encoding: "utf8" }).stdout ?? "";
    if (v.startsWith("v20.")) return candidate;
  }
  return undefined;
}

const nodes: [[string, string | undefined], [string, string]] = [
  ["Node 20", node20()],
  ["Node 24", process.execPath],
];
let pkg: string;
let bin: string;

before(async () => {
  pkg = mkdtempSync(path.join(tmpdir(), "cli-bundle-"));
  copyLauncher(pkg);
  symlinkSync(path.join(root, "node_modules"), path.join(pkg, "node_modules"));
  await buildCli(path.join(pkg, "dist", "cli"));
  bin = path.join(pkg, "bin", "finfocus-registry.js");
});
after(() => rmSync(pkg, { recursive: true, force: true }));

/** The files of a build output, without the build's own state files (keyed by the code that wrote them). */
function outputFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || e.name.startsWith(".finfocus-")) continue;
    const file = path.join(e.parentPath, e.name);
    files.set(path.relative(dir, file), readFileSync(file, "utf8"));
  }
  return files;
}

for (const [label, node] of nodes) {
  describe(`the bundle on ${label}`, {
    skip: node ? false : "no Node 20 on PATH or at /usr/bin/node",
  }, () => {
    const run = (...args: string[]) => spawnSync(node!, [bin, ...args], { encoding: "utf8", cwd: pkg });

    test("--version and --help answer, listing every command", () => {
      const version = run("--version");
      assert.equal(version.status, 0, version.stderr);
      assert.equal(
        version.stdout.trim(),
        JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version,
      );
      const help = run("--help");
      assert.equal(help.status, 0, help.stderr);
      for (const c of commands) assert.match(help.stdout, new RegExp(`^  ${c.name} `, "m"));
      assert.match(run("validate", "--help").stdout, /Usage: finfocus-registry validate/);
    });

    test("validate: a valid manifest exits 0, an invalid one 1 with its code and pointer", () => {
      assert.equal(run("validate", manifest).status, 0);
      const bad = run("validate", "--format", "json", invalid);
      assert.equal(bad.status, 1, bad.stderr);
      const findings = JSON.parse(bad.stdout).findings as { code: string; pointer: string }[];
      assert.ok(
        findings.some((f) => f.code === "MANIFEST_INVALID" && f.pointer === "/installation/download_url"),
      );
    });

    test("the daemon loads (its gRPC libraries find their .proto files), or on Node 20 says it needs a newer Node", () => {
      const dir = mkdtempSync(path.join(tmpdir(), "cli-bundle-daemon-"));
      try {
        // A TCP address without TLS is refused after the daemon's modules are loaded.
        const r = spawnSync(node!, [bin, "daemon", "--plugin-dir", dir, "--listen", "0.0.0.0:7443"], {
          encoding: "utf8",
          cwd: pkg,
          timeout: 60_000,
        });
        assert.equal(r.status, 2, r.stderr);
        if (label === "Node 20") assert.match(r.stderr, /node:sqlite.*needs a newer Node than v20/);
        else assert.match(r.stderr, /is not a loopback address: give --tls-cert/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test("a one-off health check runs on every Node; --watch (node:sqlite) on Node 20 says NODE_TOO_OLD", () => {
      const dir = mkdtempSync(path.join(tmpdir(), "cli-bundle-health-"));
      try {
        // Nothing listens on port 1: the check answers Critical (exit 1), after the command loaded.
        const once = spawnSync(node!, [bin, "health", "127.0.0.1:1", "--format", "json"], {
          encoding: "utf8",
          cwd: pkg,
          timeout: 60_000,
        });
        assert.equal(once.status, 1, once.stderr);
        assert.doesNotMatch(once.stdout + once.stderr, /sqlite|INTERNAL_ERROR/);
        const watch = spawnSync(
          node!,
          [bin, "health", "--watch", "--count", "1", "--plugin-dir", dir, "--format", "json"],
          {
            encoding: "utf8",
            cwd: pkg,
            timeout: 60_000,
          },
        );
        assert.equal(watch.status, 2, watch.stderr);
        if (label === "Node 20") assert.equal(JSON.parse(watch.stdout).code, "NODE_TOO_OLD");
        else assert.match(JSON.parse(watch.stdout).message, /No health history/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test("build --no-site writes the same files as the sources", async () => {
      const out = mkdtempSync(path.join(tmpdir(), "cli-bundle-out-"));
      try {
        const bundled = run(
          "build",
          "--registry",
          path.join(root, "registry"),
          "--out",
          path.join(out, "b"),
          "--no-site",
        );
        assert.equal(bundled.status, 0, bundled.stderr);
        const io = { stdout: () => {}, stderr: () => {} };
        const status = await main(
          ["build", "--registry", path.join(root, "registry"), "--out", path.join(out, "s"), "--no-site"],
          io,
        );
        assert.equal(status, 0);
        const [b, s] = [outputFiles(path.join(out, "b")), outputFiles(path.join(out, "s"))];
        assert.ok(b.size > 20);
        assert.deepEqual([...b.keys()].sort(), [...s.keys()].sort());
        for (const [file, text] of s) assert.equal(b.get(file), text, file);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
  });
}

/** The files `file` of the bundle loads before its code runs (static imports, transitively). */
function staticClosure(dir: string, file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(path.join(dir, file), "utf8");
  for (const [, dep] of text.matchAll(/^import\s[^;]*?from\s*"\.\/([^"]+)";/gms))
    staticClosure(dir, dep!, seen);
  for (const [, dep] of text.matchAll(/^import\s*"\.\/([^"]+)";/gm)) staticClosure(dir, dep!, seen);
  return seen;
}

/** The built-in modules a set of bundle files loads when it is evaluated (`import` or top-level `require`). */
function builtinsLoaded(dir: string, files: Set<string>): Set<string> {
  const loaded = new Set<string>();
  for (const file of files) {
    const text = readFileSync(path.join(dir, file), "utf8");
    for (const [, name] of text.matchAll(/^import\s[^;]*?from\s*"(node:[^"]+)"/gms)) loaded.add(name!);
    // esbuild's wrapper of each built-in is called where the importing module starts.
    for (const [, name] of text.matchAll(/^var \w+ = __toESM\(require_(node_\w+)\(\)/gm))
      loaded.add(name!.replace("node_", "node:").replaceAll("_", "/"));
  }
  return loaded;
}

test("the entry loads no command statically: commands are imported on first use", () => {
  const dir = path.join(pkg, "dist", "cli");
  const seen = staticClosure(dir, "main.js");
  const all = readdirSync(dir).filter((f) => f.endsWith(".js"));
  const loaded = [...seen].map((f) => readFileSync(path.join(dir, f), "utf8"));
  assert.ok(seen.size < all.length / 2, `main.js loads ${seen.size} of ${all.length} files`);
  for (const text of loaded) assert.doesNotMatch(text, /defineCommand\(\{/);
  // ...and every command is one dynamic import away, or runs from its own script.
  const entry = readFileSync(path.join(dir, "main.js"), "utf8");
  assert.equal(
    [...entry.matchAll(/await import\("\.\/[^"]+"\)\)\.\w+\.run\(input\)/g)].length,
    commands.length - SCRIPT_COMMANDS.size,
  );
  assert.ok(SCRIPT_COMMANDS.size > 0);
  for (const name of SCRIPT_COMMANDS) {
    assert.ok(
      entry.includes(`runScript(new URL(${JSON.stringify(scriptFile(name))}, import.meta.url)`),
      name,
    );
    assert.ok(existsSync(path.join(dir, scriptFile(name))), scriptFile(name));
  }
});

test("start-up loads few built-ins: --help no crypto or child processes, one-file validate no git or threads", () => {
  const dir = path.join(pkg, "dist", "cli");
  const main = staticClosure(dir, "main.js");
  assert.deepEqual([...builtinsLoaded(dir, main)].sort(), ["node:module"]);
  // One-file validate, run: the built-ins Node loaded, as it lists them.
  const list = path.join(pkg, "module-load-list.txt");
  const hook = `data:text/javascript,${encodeURIComponent(
    `process.on("exit", () => process.getBuiltinModule("node:fs").writeFileSync(${JSON.stringify(list)}, process.moduleLoadList.join("\\n")));`,
  )}`;
  // Output to a file: a pipe would have Node itself load node:net for process.stdout.
  const out = openSync(path.join(pkg, "validate-output.txt"), "w");
  const ran = spawnSync(process.execPath, ["--import", hook, bin, "validate", manifest], {
    encoding: "utf8",
    cwd: pkg,
    stdio: ["ignore", out, "pipe"],
  });
  closeSync(out);
  assert.equal(ran.status, 0, ran.stderr);
  assert.match(readFileSync(path.join(pkg, "validate-output.txt"), "utf8"), /^valid: 1 file/m);
  const loaded = new Set(
    readFileSync(list, "utf8")
      .split("\n")
      .filter((l) => l.startsWith("NativeModule "))
      .map((l) => `node:${l.slice("NativeModule ".length)}`),
  );
  assert.ok(loaded.has("node:fs") && loaded.has("node:crypto"), [...loaded].join(" ")); // the check can see
  for (const heavy of ["node:child_process", "node:worker_threads", "node:http", "node:net"])
    assert.ok(!loaded.has(heavy), `one-file validate loads ${heavy}`);
  // Built-ins come through require, never an ESM import (which reads, and loads, every export).
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".js")))
    assert.doesNotMatch(
      readFileSync(path.join(dir, file), "utf8").replace(
        /^import \{ createRequire as __createRequire \} from "node:module";/,
        "",
      ),
      /^import\s[^;]*?from\s*"node:/ms,
      file,
    );
});

test("validate runs from its script with a V8 code cache made after it ran, on Node 20 and 24; a bad cache costs only time", () => {
  const script = path.join(pkg, "dist", "cli", scriptFile("validate"));
  // What a cache made before anything ran holds (the top-level code): the kept one must hold more.
  const before = new Script(
    `(function (exports, require, module, __filename, __dirname) {${readFileSync(script, "utf8")}\n})`,
    {
      filename: script,
    },
  ).createCachedData().length;
  for (const [label, node] of nodes) {
    if (!node) continue;
    const cache = mkdtempSync(path.join(tmpdir(), "cli-bundle-v8-"));
    const folder = path.join(cache, "finfocus-registry", "v8-code");
    const env = { ...process.env, XDG_CACHE_HOME: cache };
    const validate = (extra: NodeJS.ProcessEnv = {}) => {
      const r = spawnSync(node, [bin, "validate", "--format", "json", manifest, invalid], {
        encoding: "utf8",
        cwd: pkg,
        env: { ...env, ...extra },
      });
      assert.equal(r.status, 1, `${label}: ${r.stderr}`);
      const { findings } = JSON.parse(r.stdout) as { findings: { code: string; pointer: string }[] };
      return findings.map((f) => `${f.code} ${f.pointer}`).join("\n");
    };
    const cacheFiles = () => (existsSync(folder) ? readdirSync(folder) : []);
    try {
      const answer = validate();
      assert.match(answer, /MANIFEST_INVALID \/installation\/download_url/);
      const [name, ...others] = cacheFiles();
      assert.match(name ?? "", /^command-validate-[0-9a-f]{32}-\d+-\d+-v\d+\.\d+\.\d+-\w+\.bin$/, label);
      assert.deepEqual(others, []);
      const file = path.join(folder, name!);
      assert.equal(statSync(folder).mode & 0o777, 0o700);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const made = readFileSync(file);
      assert.ok(
        made.length > before * 1.2,
        `${label}: the cache (${made.length} bytes) holds more than the top level (${before})`,
      );
      // Taken: the same answer, the file left as it was.
      assert.equal(validate(), answer);
      assert.ok(readFileSync(file).equals(made), `${label}: an accepted cache is not written again`);
      // Rejected (garbage of the same size), beside a cache of another bundle and one of another
      // Node: the same answer, the cache made again, the other bundle's removed, the other Node's kept.
      writeFileSync(file, Buffer.alloc(made.length, 7));
      writeFileSync(path.join(folder, `command-validate-${"0".repeat(32)}-1-1-v20.0.0-x64.bin`), "old");
      const otherNode = name!.replace(/-v[\d.]+-/, "-v99.0.0-");
      writeFileSync(path.join(folder, otherNode), "another Node's");
      assert.equal(validate(), answer);
      assert.ok(
        !readFileSync(file).equals(Buffer.alloc(made.length, 7)),
        `${label}: a rejected cache is made again`,
      );
      assert.deepEqual(cacheFiles().sort(), [name, otherNode].sort());
      rmSync(path.join(folder, otherNode));
      // A link in its place is not read through, and is replaced, not written through.
      const target = path.join(cache, "elsewhere");
      writeFileSync(target, "not a cache");
      rmSync(file);
      symlinkSync(target, file);
      assert.equal(validate(), answer);
      assert.equal(readFileSync(target, "utf8"), "not a cache");
      assert.ok(lstatSync(file).isFile());
      // A folder others can write to is not used; switched off, nothing is written.
      rmSync(folder, { recursive: true });
      mkdirSync(folder, { mode: 0o777 });
      chmodSync(folder, 0o777);
      assert.equal(validate(), answer);
      assert.deepEqual(cacheFiles(), []);
      rmSync(folder, { recursive: true });
      assert.equal(validate({ NODE_DISABLE_COMPILE_CACHE: "1" }), answer);
      assert.ok(!existsSync(folder));
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  }
});

test("the installed launcher keeps compiled code in the user's cache folder on Node 22 and newer, none on Node 20", () => {
  for (const [label, node] of nodes) {
    if (!node) continue;
    const cache = mkdtempSync(path.join(tmpdir(), "cli-bundle-cache-"));
    try {
      const env = { ...process.env, XDG_CACHE_HOME: cache, NODE_COMPILE_CACHE: "" };
      const help = spawnSync(node, [bin, "--help"], { encoding: "utf8", cwd: pkg, env });
      assert.equal(help.status, 0, help.stderr);
      const folder = path.join(cache, "finfocus-registry", "node-compile-cache");
      const entries = readdirSync(cache, { recursive: true }).length;
      if (label === "Node 20") assert.equal(entries, 0, "Node 20 has no compile cache");
      else assert.ok(readdirSync(folder, { recursive: true }).length > 1, `nothing cached in ${folder}`);
      // Switched off, it writes nothing and the command answers the same.
      rmSync(cache, { recursive: true, force: true });
      const off = spawnSync(node, [bin, "--help"], {
        encoding: "utf8",
        cwd: pkg,
        env: { ...env, NODE_DISABLE_COMPILE_CACHE: "1" },
      });
      assert.equal(off.stdout, help.stdout);
      assert.ok(!existsSync(folder));
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  }
});

test("package.json ships what the launcher imports besides the bundle (the layout these tests install)", () => {
  const files = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { files: string[] })
    .files;
  for (const file of LAUNCHER_FILES)
    if (file !== "package.json") assert.ok(files.includes(file) || files.includes(`${file}/`), file);
  // Every relative import of the launcher is among them.
  const launcher = readFileSync(path.join(root, "bin", "finfocus-registry.js"), "utf8");
  for (const [, spec] of launcher.matchAll(/from\s+"(\.{1,2}\/[^"]+)"/g)) {
    const file = path.posix.normalize(path.posix.join("bin", spec as string));
    assert.ok(
      LAUNCHER_FILES.some((f) => file === f || file.startsWith(`${f}/`)),
      `${file} is imported by the launcher`,
    );
  }
});

test("a cache folder named by a relative path is never used: no cache is read from or written to the folder a command runs in", () => {
  for (const [label, node] of nodes) {
    if (!node) continue;
    const work = mkdtempSync(path.join(tmpdir(), "cli-bundle-relative-"));
    const home = path.join(work, "home");
    const checkout = path.join(work, "checkout");
    mkdirSync(home);
    mkdirSync(checkout);
    try {
      const run = (env: NodeJS.ProcessEnv) => {
        const r = spawnSync(node, [bin, "validate", manifest], {
          encoding: "utf8",
          cwd: checkout,
          env: { ...process.env, NODE_COMPILE_CACHE: "", ...env },
        });
        assert.equal(r.status, 0, `${label}: ${r.stderr}`);
      };
      // A relative XDG_CACHE_HOME is ignored (the XDG rule): the caches go to $HOME/.cache.
      run({ XDG_CACHE_HOME: "cache", HOME: home });
      assert.deepEqual(readdirSync(checkout), [], `${label}: nothing is written where the command runs`);
      assert.ok(
        readdirSync(path.join(home, ".cache", "finfocus-registry", "v8-code")).length > 0,
        `${label}: the code cache is in $HOME/.cache`,
      );
      // With a relative HOME too, there is no cache folder at all.
      run({ XDG_CACHE_HOME: "cache", HOME: "home", LOCALAPPDATA: "" });
      assert.deepEqual(readdirSync(checkout), [], label);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
});

test("the launcher refuses a stale bundle on Node 20 and runs the sources on Node 24", {
  skip: !nodes[0][1],
}, () => {
  const inputs = JSON.parse(readFileSync(path.join(pkg, "dist", "cli", INPUTS_FILE), "utf8")) as {
    sources: string[];
  };
  assert.ok(inputs.sources.includes("cli/main.ts"));
  // Only project sources: never the bundle's own output (the launcher would find it gone and
  // take the bundle for stale).
  assert.deepEqual(
    inputs.sources.filter((f) => f.startsWith("dist/") || f.startsWith("node_modules/")),
    [],
  );
  // cli/ holds the shipped cache-folder.js already; main.ts makes it look like a checkout.
  const source = path.join(pkg, "cli", "main.ts");
  writeFileSync(
    source,
    'export async function main(): Promise<number> { process.stdout.write("sources\\n"); return 0; }\n',
  );
  const later = new Date(Date.now() + 60_000);
  utimesSync(source, later, later);
  try {
    const old = spawnSync(nodes[0][1]!, [bin, "--version"], { encoding: "utf8" });
    assert.equal(old.status, 2);
    assert.match(old.stderr, /npm run build:cli/);
    assert.equal(execFileSync(process.execPath, [bin, "--version"], { encoding: "utf8" }), "sources\n");
  } finally {
    rmSync(source);
  }
});

test("everything the bundle reaches by URL is in it, and its search thread answers as core does", async () => {
  const dist = path.join(pkg, "dist", "cli");
  const reached: string[] = [];
  for (const file of readdirSync(dist).filter((f) => f.endsWith(".js") || f.endsWith(".cjs"))) {
    const text = readFileSync(path.join(dist, file), "utf8");
    // A script's `import.meta.url` is its own URL too (__importMetaUrl, see scripts/build-cli.ts).
    for (const [, ref] of text.matchAll(/new URL\("(\.\/[^"]+)", (?:import\.meta\.url|__importMetaUrl)\)/g)) {
      reached.push(`${file} ${ref}`);
      assert.ok(existsSync(path.join(dist, ref as string)), `${file} reaches ${ref}, which is missing`);
    }
  }
  assert.ok(
    reached.some((r) => r.endsWith(" ./service-search-worker.js")),
    reached.join(", "),
  );
  // validate's script starts the same worker threads as the ES modules do, for a large registry.
  assert.ok(reached.includes(`${scriptFile("validate")} ./core-registry-load-worker.js`), reached.join(", "));

  const plugins = [searchable("aws-cost", ["Costs"]), searchable("gcp-cost", ["Mirrors AWS prices"])];
  const worker = new Worker(pathToFileURL(path.join(dist, "service-search-worker.js")));
  try {
    const answer = new Promise<unknown>((resolve) => worker.once("message", resolve));
    worker.postMessage({ type: "index", id: 1, plugins });
    worker.postMessage({ type: "search", ask: 7, id: 1, filter: "aws" });
    assert.deepEqual(await answer, { ask: 7, found: Uint32Array.from(searchIndexes(plugins, "aws")) });
  } finally {
    await worker.terminate();
  }
});
