import type { Finding } from "../findings.types.ts";
import type { Manifest, Permission } from "../manifest.types.ts";

/**
 * What this project's runner can install: a `binary`, a `package` with an `https://` (or, where
 * allowed, loopback `http://`) download, a `script` install when the user allows scripts, and a
 * `container` image when the runner has a container registry client (`containers`). A package
 * named for a system package manager is for other tools.
 */
export function installability(
  manifest: Manifest,
  options: { allowScripts: boolean; containers?: boolean },
  file = `${manifest.metadata.name}@${manifest.metadata.version}`,
): { findings: Finding[]; needsScripts: boolean } {
  const { installation_method: method, download_url: url } = manifest.installation;
  const container = method === "container" && !options.containers;
  if (container || (method === "package" && !/^https?:\/\//.test(url ?? ""))) {
    return {
      needsScripts: false,
      findings: [
        {
          code: "UNSUPPORTED_INSTALLATION_METHOD",
          severity: "error",
          message: `installs by ${method}; this runner installs binaries, archives, container images (with a container registry client) and (with --allow-scripts) scripts`,
          file,
          pointer: "/installation/installation_method",
        },
      ],
    };
  }
  return { findings: [], needsScripts: method === "script" && !options.allowScripts };
}

/** The permissions a manifest asks for that were not approved up front. */
export function missingPermissions(manifest: Manifest, approved: readonly string[]): Permission[] {
  return (manifest.security?.permissions ?? []).filter((p) => !approved.includes(p));
}

/** The manifest's install steps, in the order they run (only ever with the user's consent). */
export function installSteps(manifest: Manifest): string[] {
  const i = manifest.installation;
  return [
    ...(i.pre_install_checks ?? []),
    ...(i.install_script ? [i.install_script] : []),
    ...(i.post_install_steps ?? []),
  ];
}
