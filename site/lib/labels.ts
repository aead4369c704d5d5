/** Plain-language labels for manifest values: permissions, trust levels, installation methods. */

import type { SignatureKind } from "../../core/api/api.types.ts";
import type { Permission, SecurityLevel } from "../../core/manifest.types.ts";

export interface PermissionText {
  label: string;
  detail: string;
  /** Risky permissions get a warning on the plugin page. */
  risky: boolean;
}

export const PERMISSIONS: Record<Permission, PermissionText> = {
  network_access: {
    label: "Network access",
    detail: "Can open network connections, for example to a cloud billing API.",
    risky: false,
  },
  filesystem_read: {
    label: "Read files",
    detail: "Can read files on your machine outside its own folder.",
    risky: true,
  },
  filesystem_write: {
    label: "Write files",
    detail: "Can create, change or delete files on your machine outside its own folder.",
    risky: true,
  },
  environment_read: {
    label: "Read environment variables",
    detail: "Can read environment variables, which often hold credentials and tokens.",
    risky: true,
  },
  process_spawn: {
    label: "Run programs",
    detail: "Can start other programs with your user's rights.",
    risky: true,
  },
  system_info: {
    label: "System information",
    detail: "Can read facts about the OS and hardware.",
    risky: false,
  },
  temp_files: { label: "Temporary files", detail: "Can create files in the temporary folder.", risky: false },
  config_read: {
    label: "Read its configuration",
    detail: "Reads the configuration you give it.",
    risky: false,
  },
  metrics_collect: {
    label: "Collect metrics",
    detail: "Records metrics about its own operation.",
    risky: false,
  },
};

export function permissionText(p: string): PermissionText {
  return (
    (PERMISSIONS as Record<string, PermissionText>)[p] ?? {
      label: p,
      detail: "A permission this site does not know; read the plugin's documentation.",
      risky: true,
    }
  );
}

export const LEVEL_TEXT: Record<SecurityLevel, { label: string; detail: string }> = {
  official: { label: "Official", detail: "Signed by a registry maintainer's official signer." },
  verified: { label: "Verified", detail: "Signed by a signer pinned for this plugin; checked at merge." },
  community: {
    label: "Community",
    detail: "Reviewed by pull request; releases are not required to be signed.",
  },
  untrusted: { label: "Untrusted", detail: "No review of the publisher; run only in a sandbox." },
};

export const SIGNATURE_TEXT: Record<SignatureKind, string> = {
  sigstore: "Sigstore keyless",
  key: "Signed with key",
  none: "Unsigned",
};

export const METHOD_TEXT: Record<string, string> = {
  binary: "Binary",
  container: "Container image",
  script: "Install script",
  package: "Package",
};

export const PROVIDER_TEXT: Record<string, string> = {
  aws: "AWS",
  azure: "Azure",
  gcp: "Google Cloud",
  kubernetes: "Kubernetes",
  custom: "Custom",
};

/** "actual_cost" → "Actual cost". */
export function humanize(value: string): string {
  const s = value.replace(/[_-]+/g, " ").trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}
