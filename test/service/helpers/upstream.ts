import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const RELATIVE = "shared/upstream/finfocus-spec/proto/registry.proto";

/** The specification's registry.proto, from the upstream reference data beside the checkout. */
export const UPSTREAM_PROTO =
  [join(REPO, "..", RELATIVE), join(REPO, "../..", RELATIVE)].find((p) => existsSync(p)) ??
  join(REPO, "../..", RELATIVE);
