import { existsSync } from "node:fs";
import { REGISTRY_PROTO } from "../../../service/proto.ts";
import { upstreamFile } from "../../upstream.ts";

/** The specification's registry.proto, from the upstream reference data (test/upstream.ts). */
export const UPSTREAM_PROTO = upstreamFile("finfocus-spec", "proto", "registry.proto");

/**
 * What the test clients are generated from: the specification's registry.proto where the
 * reference data is present, else the project's own (wire-identical to it: test/service/wire.test.ts).
 */
export const CLIENT_PROTO = existsSync(UPSTREAM_PROTO) ? UPSTREAM_PROTO : REGISTRY_PROTO;
