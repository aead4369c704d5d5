/**
 * The files inside a stand-in demo plugin archive, derived only from its manifest, so the
 * manifest is the single source of truth and the archive bytes follow from it. (Real plugin
 * releases, which speak the plugin protocol, are built by release-plugin.ts.)
 *
 * Each archive holds an executable named like the plugin (a POSIX sh stand-in for the real gRPC
 * binary: it answers `--version`, `--help` and a `serve` dry run), a README and a LICENSE; a
 * `script` install also carries the `install.sh` its manifest names.
 */
import type { Manifest } from "../../core/manifest.types.ts";
import type { ArchiveFile } from "./archive-writers.ts";

const LICENSES: Record<string, (holder: string) => string> = {
  "Apache-2.0": (holder) =>
    `Copyright 2024 ${holder}

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    https://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
`,
  MIT: (holder) =>
    `MIT License

Copyright (c) 2024 ${holder}

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`,
};

/** Single-quote a value for sh. */
const shQuote = (value: string): string => `'${value.replaceAll("'", `'"'"'`)}'`;

function executable(m: Manifest): string {
  const { name, version, description } = m.metadata;
  const service = m.specification.service_definition;
  const port = service.port ?? 50051;
  const providers = m.specification.supported_providers.join(", ");
  return `#!/bin/sh
# ${name} ${version}: FinFocus ${service.service_name} plugin (demo build).
# A POSIX sh stand-in for the real plugin binary, shipped by the FinFocus demo registry.
set -eu

NAME=${shQuote(name)}
VERSION=${shQuote(version)}
PORT="\${FINFOCUS_PLUGIN_PORT:-${port}}"

usage() {
  cat <<'USAGE'
Usage: ${name} [--version] [--help] [serve [--port PORT]]

${description}

Commands:
  serve            Start the ${service.package_name}.${service.service_name} gRPC server
  --version        Print the plugin version and exit
  --help           Show this help and exit

Providers: ${providers}
Methods:   ${service.methods.join(", ")}
Environment:
  FINFOCUS_PLUGIN_PORT  Port to listen on (default ${port})
USAGE
}

case "\${1:-}" in
  --version | -v | version)
    echo "$NAME $VERSION"
    ;;
  --help | -h | help | "")
    usage
    ;;
  serve)
    shift
    if [ "\${1:-}" = "--port" ] && [ -n "\${2:-}" ]; then PORT="$2"; fi
    echo "$NAME $VERSION: this demo build does not open a socket (would serve ${service.package_name}.${service.service_name} on 127.0.0.1:$PORT)"
    ;;
  *)
    echo "$NAME: unknown command: $1" >&2
    usage >&2
    exit 2
    ;;
esac
`;
}

function readme(m: Manifest): string {
  const { name, version, description, homepage, repository } = m.metadata;
  const install = m.installation;
  return `# ${name} ${version}

${description}

This archive is a demo build published by the FinFocus default registry. The executable
\`${name}\` is a small POSIX sh program that answers \`--version\` and \`--help\` the way the
real plugin does; it does not talk to any cloud.

- Providers: ${m.specification.supported_providers.join(", ")}
- Capabilities: ${(m.specification.capabilities ?? []).join(", ") || "none declared"}
- Install method: ${install.installation_method}
${homepage ? `- Homepage: ${homepage}\n` : ""}${repository ? `- Source: ${repository}\n` : ""}
## Usage

    ./${name} --version
    ./${name} --help
`;
}

function installScript(m: Manifest): string {
  const { name, version } = m.metadata;
  return `#!/bin/sh
# Installs ${name} ${version} into \${FINFOCUS_PLUGIN_DIR:-$HOME/.finfocus/plugins/${name}/v${version}}.
set -eu
DEST="\${FINFOCUS_PLUGIN_DIR:-$HOME/.finfocus/plugins/${name}/v${version}}"
HERE="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$DEST"
cp "$HERE/${name}" "$DEST/${name}"
chmod 0755 "$DEST/${name}"
echo "installed ${name} ${version} to $DEST"
`;
}

/** The LICENSE text of a demo archive, from the manifest's license and author. */
export function licenseText(m: Manifest): string {
  const license = LICENSES[m.metadata.license ?? "Apache-2.0"];
  if (!license) throw new Error(`no demo LICENSE text for ${m.metadata.license}`);
  return license(m.metadata.author);
}

/** The files of one stand-in plugin archive, from its manifest. */
export function pluginFiles(m: Manifest): ArchiveFile[] {
  const files: ArchiveFile[] = [
    { name: m.metadata.name, mode: 0o755, data: Buffer.from(executable(m)) },
    { name: "README.md", mode: 0o644, data: Buffer.from(readme(m)) },
    { name: "LICENSE", mode: 0o644, data: Buffer.from(licenseText(m)) },
  ];
  if (m.installation.installation_method === "script") {
    files.push({ name: "install.sh", mode: 0o755, data: Buffer.from(installScript(m)) });
  }
  return files;
}
