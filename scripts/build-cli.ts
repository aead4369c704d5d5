/**
 * Bundles the CLI into dist/cli/ with esbuild: plain JavaScript for Node 20 and newer, which starts
 * without type stripping and loads each command's code only when that command runs. Not committed:
 * `npm pack` builds it (`prepack`), `npm test` rebuilds it (and test/cli/bundle.test.ts builds its
 * own and runs it on Node 20 and 24), and in a checkout bin/finfocus-registry.js runs the sources
 * (Node 24) when the bundle is missing or older than them. Run: npm run build:cli.
 *
 * - Commands: the list in cli/commands.ts is read here, at build time. The bundle's copy of that
 *   list holds each command's declaration (name, options, help: plain data) and a `run` that
 *   imports the command's module on first use, so `--help` loads no command and `validate` loads
 *   only what validation needs. A command added to cli/commands.ts is in the next build.
 * - `new URL("<literal>", import.meta.url)` in a source file: a `.ts` module (a worker thread,
 *   the site builder) becomes an entry of its own; a file (a `.proto`) is copied under assets/; a
 *   folder (the Astro project in site/) is used where the package has it.
 * - Commands of SCRIPT_COMMANDS (scripts/cli-commands-module.ts) also become a CommonJS script of
 *   their own, dist/cli/command-<name>.cjs, which the bundle runs with a V8 code cache made after
 *   the command ran (cli/run-script.ts): a later start compiles none of what it ran before.
 * - FINFOCUS_BUNDLE_HASH is the sha256 of every input, so caches keyed by "the code" (rendered
 *   documents, validation verdicts) are invalidated by any change in the bundle.
 */
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type BuildOptions, build, type Plugin } from "esbuild";
import { commandOrigins, lazyCommandsModule, SCRIPT_COMMANDS, scriptFile } from "./cli-commands-module.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
export const CLI_OUT = path.join(root, "dist", "cli");
/** Written last: the source files the bundle was built from (bin/ compares their times with its own). */
export const INPUTS_FILE = "inputs.json";

/** The packages the bundle leaves out: package.json's `dependencies`, checked by test/cli/bundle.test.ts. */
export const RUNTIME_DEPENDENCIES = Object.keys(
  (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies?: object })
    .dependencies ?? {},
);

/**
 * What the launcher needs besides the bundle, as package.json's `files` ships it: bin/ and the one
 * source file it imports (the cache-folder rule, cli/cache-folder.js). Copied into `pkg` with
 * package.json, as npm installs them; `buildCli` then writes dist/cli/ beside them. The layouts
 * of test/cli/bundle.test.ts and bench/cli.ts are made here, so they cannot miss a file.
 */
export const LAUNCHER_FILES = [
  "bin",
  "cli/cache-folder.js",
  "cli/cache-folder.d.ts",
  "package.json",
] as const;

export function copyLauncher(pkg: string): void {
  for (const file of LAUNCHER_FILES) cpSync(path.join(root, file), path.join(pkg, file), { recursive: true });
}

const URL_REFERENCE = /new URL\(\s*(["'])([^"'`]+)\1\s*,\s*import\.meta\.url\s*\)/g;

/** Where `new URL(ref, import.meta.url)` in `file` points, relative to the project root. */
function target(file: string, ref: string): string {
  return path
    .relative(root, path.resolve(path.dirname(file), ref))
    .split(path.sep)
    .join("/");
}

const entryName = (rel: string): string => rel.replace(/\.ts$/, "").replaceAll("/", "-");

interface References {
  modules: Set<string>;
  files: Set<string>;
  folders: Set<string>;
}

/** Rewrites `new URL(...)` references in project sources (see the module comment). */
function urlReferences(refs: References, outdir: string): Plugin {
  return {
    name: "import-meta-url",
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const text = readFileSync(args.path, "utf8");
        if (!text.includes("import.meta.url")) return undefined;
        const contents = text.replace(URL_REFERENCE, (whole, _q, ref: string) => {
          const rel = target(args.path, ref);
          if (rel.startsWith("..")) return whole;
          let to: string;
          if (rel.endsWith(".ts")) {
            refs.modules.add(rel);
            to = `./${entryName(rel)}.js`;
          } else if (ref.endsWith("/") || ref === "." || ref === "./") {
            refs.folders.add(rel);
            to = `${path.relative(outdir, path.join(root, rel)).split(path.sep).join("/")}/`;
          } else {
            refs.files.add(rel);
            to = `./assets/${rel}`;
          }
          return `new URL(${JSON.stringify(to)}, import.meta.url)`;
        });
        return { contents, loader: "ts" };
      });
    },
  };
}

/**
 * Node's built-in modules through `require` (the banner's) instead of `import`: an ESM import of a
 * built-in reads every one of its exports, which loads what their lazy getters hide (node:fs's
 * promises, node:util's whole toolbox), several milliseconds a module at every start; `require`
 * returns the object and the bundle reads only the names it uses, when it uses them. Dynamic
 * imports are left alone.
 */
function builtinsViaRequire(): Plugin {
  return {
    name: "builtins-via-require",
    setup(b) {
      b.onResolve({ filter: /^[a-z_:/]+$/ }, (args) =>
        args.kind === "import-statement" && isBuiltin(args.path)
          ? { path: args.path, namespace: "builtin" }
          : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: "builtin" }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path)});`,
        loader: "js",
      }));
    },
  };
}

/** Replaces cli/commands.ts, for cli/main.ts only, with the list of lazily loaded commands. */
function lazyCommands(source: string): Plugin {
  const main = path.join(root, "cli", "main.ts");
  return {
    name: "lazy-commands",
    setup(b) {
      b.onResolve({ filter: /^\.\/commands\.ts$/ }, (args) =>
        args.importer === main ? { path: "lazy-commands", namespace: "finfocus" } : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: "finfocus" }, () => ({
        contents: source,
        loader: "js",
        resolveDir: path.join(root, "cli"),
      }));
    },
  };
}

/** What the ES module build and the commands' scripts are built with alike. */
const SHARED = {
  absWorkingDir: root,
  bundle: true,
  platform: "node",
  target: "node20",
  // Prefer ESM builds: UMD builds (jsonc-parser) hide their requires from the bundler.
  mainFields: ["module", "main"],
  // Astro is a toolchain with native parts, loaded from node_modules when the site is built; the
  // gRPC libraries read their own .proto files next to their code (__dirname), so they are loaded
  // from node_modules too. These are the package's runtime dependencies (package.json).
  external: [...RUNTIME_DEPENDENCIES],
  metafile: true,
  minify: false,
  sourcemap: false,
  legalComments: "eof",
  logLevel: "warning",
} as const satisfies BuildOptions;

async function bundle(outdir: string, entries: Record<string, string>, define: Record<string, string>) {
  const refs: References = { modules: new Set(), files: new Set(), folders: new Set() };
  const commands = await lazyCommandsModule(root);
  const result = await build({
    ...SHARED,
    entryPoints: entries,
    outdir,
    splitting: true,
    format: "esm",
    entryNames: "[name]",
    chunkNames: "chunk-[hash]",
    define,
    write: define.FINFOCUS_BUNDLE_HASH !== undefined,
    banner: {
      js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
    },
    plugins: [builtinsViaRequire(), lazyCommands(commands), urlReferences(refs, outdir)],
  });
  // A JSON import's key carries its attributes ("x.json with { type: 'json' }"): the file is x.json.
  const inputs = Object.keys(result.metafile.inputs).map((i) => i.replace(/ with \{[^}]*\}$/, ""));
  return { refs, inputs: [...new Set(inputs)].sort() };
}

/**
 * The CommonJS script of a command (cli/run-script.ts): its module and everything it imports in
 * one file, beside the ES module build (whose workers and assets it shares: its `new URL`s point
 * to the same files). It must be complete: a module it would import at run time (a package left
 * out of the bundle, a dynamic `import()`) cannot be loaded from a script, so the build refuses it.
 */
async function bundleScript(outdir: string, command: string, module: string, define: Record<string, string>) {
  const refs: References = { modules: new Set(), files: new Set(), folders: new Set() };
  const outfile = path.join(outdir, scriptFile(command));
  const result = await build({
    ...SHARED,
    entryPoints: [module],
    outfile,
    format: "cjs",
    // A script has no module loader to import with: `import()` of a built-in becomes `require`.
    supported: { "dynamic-import": false },
    // `import.meta.url` is the script's own URL, as it is the chunk's in the ES module build.
    define: { ...define, "import.meta.url": "__importMetaUrl" },
    // First, so the file is strict code as esbuild means it to be (its own "use strict" follows).
    banner: {
      js: '"use strict";\nvar __importMetaUrl = require("node:url").pathToFileURL(__filename).href;',
    },
    plugins: [urlReferences(refs, outdir)],
  });
  const imports = Object.values(result.metafile.outputs).flatMap((o) => o.imports);
  const outside = imports.filter((i) => i.kind === "dynamic-import" || !isBuiltin(i.path));
  if (outside.length > 0)
    throw new Error(
      `${module}: its script would load ${outside.map((i) => `${i.path} (${i.kind})`).join(", ")} at run time; ` +
        "take the command out of SCRIPT_COMMANDS or the import out of its code",
    );
  return refs;
}

function filesUnder(rel: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
    if (e.name === "node_modules" || e.name.startsWith(".")) continue;
    const child = rel === "" ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) out.push(...filesUnder(child));
    else out.push(child);
  }
  return out.sort();
}

/**
 * Builds the bundle into `outdir` (default dist/cli/, replaced whole at the end, so a CLI running
 * meanwhile never sees half a bundle). Returns the project files it was built from.
 */
export async function buildCli(outdir = CLI_OUT): Promise<{ sources: string[] }> {
  const tmp = `${outdir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  // Modules referenced by URL become entries; each pass may find more (a worker's own references).
  const entries: Record<string, string> = { main: "cli/main.ts" };
  let found = await bundle(tmp, entries, {});
  for (;;) {
    const missing = [...found.refs.modules].filter((m) => !Object.values(entries).includes(m));
    if (missing.length === 0) break;
    for (const m of missing) entries[entryName(m)] = m;
    found = await bundle(tmp, entries, {});
  }
  const hash = createHash("sha256");
  for (const input of found.inputs) {
    // The virtual modules: the command list (generated from the sources) and the built-ins (a name).
    if (input.startsWith("builtin:")) hash.update(`${input}\0`);
    else if (input.startsWith("finfocus:")) hash.update(`${input}\0`).update(await lazyCommandsModule(root));
    else hash.update(`${input}\0`).update(readFileSync(path.join(root, input)));
  }
  const define = { FINFOCUS_BUNDLE_HASH: JSON.stringify(hash.digest("hex")) };
  const { refs } = await bundle(tmp, entries, define);
  for (const { command, from } of await commandOrigins(root)) {
    if (!SCRIPT_COMMANDS.has(command.name)) continue;
    const own = await bundleScript(tmp, command.name, path.join("cli", from), define);
    const missing = [...own.modules].filter((m) => !Object.values(entries).includes(m));
    if (missing.length > 0) throw new Error(`${from}: its script refers to ${missing.join(", ")}, not built`);
    for (const file of own.files) refs.files.add(file);
  }
  for (const file of refs.files) {
    mkdirSync(path.dirname(path.join(tmp, "assets", file)), { recursive: true });
    cpSync(path.join(root, file), path.join(tmp, "assets", file));
  }
  const sources = [
    ...found.inputs.filter((i) => !/^(node_modules\/|finfocus:|builtin:)/.test(i)),
    ...refs.files,
    ...[...refs.folders].flatMap((f) => filesUnder(f)),
    "package.json",
    "package-lock.json",
  ];
  writeFileSync(
    path.join(tmp, INPUTS_FILE),
    `${JSON.stringify({ sources: [...new Set(sources)].sort() })}\n`,
  );
  const old = `${outdir}.old-${process.pid}`;
  mkdirSync(path.dirname(outdir), { recursive: true });
  try {
    renameSync(outdir, old);
  } catch {
    // no previous bundle
  }
  renameSync(tmp, outdir);
  rmSync(old, { recursive: true, force: true });
  return { sources };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ? path.resolve(process.argv[2]) : CLI_OUT;
  await buildCli(out);
  process.stderr.write(`built ${path.relative(process.cwd(), out) || "."} (${pathToFileURL(out).href})\n`);
}
