/**
 * The demo registry's real plugin releases: a version whose `download_url` names a FinFocus
 * release asset (`<name>_<version>_linux_amd64.tar.gz`) is a working cost-source plugin, built
 * from demo/plugin/ and published the way the FinFocus CLI's installer expects: one asset per
 * platform (linux/amd64 and linux/arm64), each holding `finfocus-plugin-<name>` at its root.
 *
 * The program is JavaScript (esbuild bundles demo/plugin/main.ts with @grpc/grpc-js into
 * `plugin.cjs`), so both platforms' archives hold the same bytes and share the manifest's checksum
 * and signature; the launcher needs Node.js 18+ as `node` on PATH. The bundle follows from the
 * locked esbuild and @grpc/* versions: after upgrading either, `build-demo-registry --check`
 * reports these archives changed, and since published bytes never change, the fix is a new
 * plugin version, not a rebuilt old one.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
import { releaseAssetName } from "../../core/finfocus/cli-layout.ts";
import type { Manifest } from "../../core/manifest.types.ts";
import type { ArchiveFile } from "./archive-writers.ts";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The platforms every real release is published for, as Go names them. */
export const RELEASE_PLATFORMS = [
  { os: "linux", arch: "amd64" },
  { os: "linux", arch: "arm64" },
] as const;

/** The release asset names of `m`, one per platform, when `m` is a real plugin release. */
export function releaseAssets(m: Manifest, fileName: string): string[] | undefined {
  const { name, version } = m.metadata;
  const assets = RELEASE_PLATFORMS.map((p) => releaseAssetName(name, version, p.os, p.arch));
  return assets.includes(fileName) ? assets : undefined;
}

let bundle: { code: Buffer; packages: string[] } | undefined;

/** demo/plugin/main.ts bundled for Node 18+ (minified: the archives store, not deflate, their bytes). */
function pluginBundle(): { code: Buffer; packages: string[] } {
  if (bundle) return bundle;
  const result = buildSync({
    absWorkingDir: repo,
    entryPoints: ["demo/plugin/main.ts"],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node18",
    minify: true,
    legalComments: "none",
    metafile: true,
    write: false,
    logLevel: "silent",
  });
  const packages = new Set<string>();
  for (const input of Object.keys(result.metafile.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match?.[1]) packages.add(match[1]);
  }
  bundle = { code: Buffer.from(result.outputFiles[0]!.contents), packages: [...packages].sort() };
  return bundle;
}

function notices(packages: string[]): string {
  const sections = packages.map((name) => {
    const dir = join(repo, "node_modules", name);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
      version: string;
      license: string;
    };
    const text = readFileSync(join(dir, "LICENSE"), "utf8").trim();
    return `## ${name} ${pkg.version} (${pkg.license})\n\n${text}\n`;
  });
  return `# Third-party notices\n\n\`plugin.cjs\` bundles these packages; their licenses follow.\n\n${sections.join("\n")}`;
}

function launcher(m: Manifest): string {
  const { name, version } = m.metadata;
  return `#!/bin/sh
# ${name} ${version}: a FinFocus cost-source plugin (finfocus.v1.CostSourceService).
# The program is plugin.cjs beside this file; it needs Node.js 18 or later as 'node' on PATH.
# FinFocus starts it as: finfocus-plugin-${name} --port=N (and FINFOCUS_PLUGIN_PORT=N).
set -eu
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
if ! command -v node >/dev/null 2>&1; then
  echo "finfocus-plugin-${name}: needs Node.js 18 or later as 'node' on PATH" >&2
  exit 127
fi
exec node "$here/plugin.cjs" "$@"
`;
}

function rateCard(m: Manifest): string {
  const resources: Record<string, { resource_types: string[]; regions?: string[] }> = {};
  for (const [provider, r] of Object.entries(m.specification.supported_resources ?? {})) {
    if (r)
      resources[provider] = {
        resource_types: r.resource_types,
        ...(r.regions ? { regions: r.regions } : {}),
      };
  }
  const card = {
    name: m.metadata.name,
    version: m.metadata.version,
    description: m.metadata.description,
    providers: m.specification.supported_providers,
    resources,
  };
  return `${JSON.stringify(card, null, 2)}\n`;
}

function readme(m: Manifest): string {
  const { name, version, description, repository } = m.metadata;
  return `# ${name} ${version}

${description}

A working FinFocus cost-source plugin, built by the FinFocus demo registry from its own source
(demo/plugin/ in finfocus-registry). It serves \`finfocus.v1.CostSourceService\`: \`Name\` and
\`Supports\` (other methods answer UNIMPLEMENTED). It needs Node.js 18 or later as \`node\` on PATH.

    ./finfocus-plugin-${name} --port=50051      # what FinFocus runs; prints PORT=50051
    ./finfocus-plugin-${name} --version
${repository ? `\nSource: ${repository}\n` : ""}`;
}

/** The files of a real plugin release (the same for every platform), beside README and LICENSE. */
export function releasePluginFiles(m: Manifest, license: string): ArchiveFile[] {
  const { code, packages } = pluginBundle();
  return [
    { name: `finfocus-plugin-${m.metadata.name}`, mode: 0o755, data: Buffer.from(launcher(m)) },
    { name: "plugin.cjs", mode: 0o644, data: code },
    {
      name: "costsource.proto",
      mode: 0o644,
      data: readFileSync(join(repo, "runner", "health", "costsource.proto")),
    },
    { name: "cost-source.json", mode: 0o644, data: Buffer.from(rateCard(m)) },
    { name: "README.md", mode: 0o644, data: Buffer.from(readme(m)) },
    { name: "LICENSE", mode: 0o644, data: Buffer.from(license) },
    { name: "THIRD_PARTY_NOTICES.md", mode: 0o644, data: Buffer.from(notices(packages)) },
  ];
}
