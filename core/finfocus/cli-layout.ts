/**
 * How the FinFocus CLI finds, downloads and records plugins, restated from its installer and
 * plugin discovery (`FindPlatformAssetWithHints`, `findBinary`, `config.InstalledPlugin`; commits
 * in docs/finfocus.md): release asset names, the binary it launches in a version folder, and the
 * `installed_plugins` entry of `~/.finfocus/config.yaml`.
 */

/** One `installed_plugins` item of the FinFocus config: `version` is the folder name (`v1.2.0`). */
export interface CliInstalledPlugin {
  name: string;
  /** `github.com/<owner>/<repo>`, or "" when the plugin's source is not a GitHub repository. */
  url: string;
  version: string;
}

/** The CLI's operating system and architecture names (Go's GOOS and GOARCH) for Node's. */
export function goPlatform(platform: string, arch: string): { os: string; arch: string } {
  const os = platform === "win32" ? "windows" : platform;
  const goArch = arch === "x64" ? "amd64" : arch === "ia32" ? "386" : arch;
  return { os, arch: goArch };
}

/**
 * The release asset name we publish for a platform: `<name>_<version>_<os>_<arch>.tar.gz`
 * (version without the tag's `v`, Go's os and arch names), the first form the CLI's
 * installer tries after the tag-with-`v` form.
 */
export function releaseAssetName(name: string, version: string, os: string, arch: string): string {
  return `${name}_${version}_${os}_${arch}.${os === "windows" ? "zip" : "tar.gz"}`;
}

/**
 * Every asset name the CLI's installer accepts for release `tag` on `os`/`arch`, in its order
 * of preference (no registry asset hints): the tag with and without `v`, the os as is or
 * capitalised, the arch as Go names it or as uname does.
 */
export function cliAssetCandidates(name: string, tag: string, os: string, arch: string): string[] {
  const ext = os === "windows" ? ".zip" : ".tar.gz";
  const title = os.charAt(0).toUpperCase() + os.slice(1);
  const osNames = [os, title];
  if (os === "darwin") osNames.push("Darwin", "macos", "macOS", "MacOS");
  const archNames = [arch];
  if (arch === "amd64") archNames.push("x86_64", "X86_64", "AMD64");
  if (arch === "arm64") archNames.push("ARM64", "aarch64", "AARCH64");
  const versions = tag.startsWith("v") ? [tag, tag.slice(1)] : [tag, `v${tag}`];
  const out: string[] = [];
  for (const v of versions)
    for (const o of osNames) for (const a of archNames) out.push(`${name}_${v}_${o}_${a}${ext}`);
  return [...new Set(out)];
}

/**
 * File names the CLI tries, in order, for the binary of plugin `name` in a version folder; when
 * none is an executable file it takes the first executable file of the folder, by name.
 * `region` comes from the folder's `plugin.metadata.json`, when it names one.
 */
export function binaryCandidates(name: string, region?: string): string[] {
  return [...(region ? [`finfocus-plugin-${name}-${region}`] : []), `finfocus-plugin-${name}`, name];
}

/** The `url` the CLI records for a GitHub `owner/repo`. */
export function cliPluginUrl(repository: string | undefined): string {
  return repository ? `github.com/${repository}` : "";
}

/** The arguments and environment the CLI launches a plugin with, listening on `port`. */
export function launchContract(port: number): { args: string[]; env: Record<string, string> } {
  return { args: [`--port=${port}`], env: { FINFOCUS_PLUGIN_PORT: String(port) } };
}

/** `owner/repo` of a `https://github.com/owner/repo` URL (the manifest's `metadata.repository`). */
export function githubRepository(url: string | undefined): string | undefined {
  return /^https:\/\/github\.com\/([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(url ?? "")?.[1];
}
