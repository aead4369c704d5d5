/**
 * The listing responses' encoding with reused plugin bytes (service/plugin-list-encoding.ts) writes
 * exactly the bytes of the plain serializer, first call or reused, for fresh and frozen entries;
 * an entry whose content changed is encoded anew; the upstream client decodes it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { LOADER_OPTIONS, packageDefinition, registryService } from "../../service/proto.ts";
import { CLIENT_PROTO } from "./helpers/upstream.ts";

const plain = (method: string) =>
  (
    grpc.loadPackageDefinition(packageDefinition()) as unknown as {
      finfocus: { v1: { PluginRegistryService: grpc.ServiceClientConstructor } };
    }
  ).finfocus.v1.PluginRegistryService.service[method]!.responseSerialize as (value: unknown) => Buffer;

const info = (name: string, description = "a plugin") => ({
  name,
  version: "1.2.3",
  description,
  author: "someone",
  source: "DISCOVERY_SOURCE_REGISTRY",
  location: "https://registry.example/",
  status: "PLUGIN_STATUS_AVAILABLE",
  security_level: "SECURITY_LEVEL_COMMUNITY",
  capabilities: ["cost"],
  requirements: { dependencies: [{ name: "base", version_constraint: "^1.0.0", optional: false }] },
  last_updated: { seconds: 1_700_000_000, nanos: 5 },
});

test("DiscoverPlugins: the same bytes as the plain serializer, first and reused, and decodable upstream", () => {
  const reusing = registryService().DiscoverPlugins!.responseSerialize as (value: unknown) => Buffer;
  const response = () => ({
    plugins: [info("a"), info("b"), info("c")],
    discovery_errors: [
      { source: "DISCOVERY_SOURCE_GIT", location: "x", error_code: "E", error_message: "m" },
    ],
  });
  const expected = plain("DiscoverPlugins")(response());
  assert.deepEqual(reusing(response()), expected);
  assert.deepEqual(reusing(response()), expected, "reused bytes");
  const changed = { ...response(), plugins: [info("a"), info("b", "another text"), info("c")] };
  assert.deepEqual(reusing(changed), plain("DiscoverPlugins")(changed), "a changed entry is encoded anew");
  assert.notDeepEqual(reusing(changed), expected);
  assert.deepEqual(reusing({ plugins: [], discovery_errors: [] }), plain("DiscoverPlugins")({}));

  const upstream = grpc.loadPackageDefinition(
    protoLoader.loadSync(CLIENT_PROTO, LOADER_OPTIONS),
  ) as unknown as {
    finfocus: { v1: { PluginRegistryService: grpc.ServiceClientConstructor } };
  };
  const decode = upstream.finfocus.v1.PluginRegistryService.service.DiscoverPlugins!.responseDeserialize;
  const decoded = decode(reusing(changed)) as { plugins: { name: string; description: string }[] };
  assert.deepEqual(
    decoded.plugins.map((p) => [p.name, p.description]),
    [
      ["a", "a plugin"],
      ["b", "another text"],
      ["c", "a plugin"],
    ],
  );
});

test("ListInstalledPlugins: frozen entries are reused by identity, with the plain serializer's bytes", () => {
  const reusing = registryService().ListInstalledPlugins!.responseSerialize as (value: unknown) => Buffer;
  const deepFrozen = (value: object): object => {
    for (const inner of Object.values(value)) if (inner && typeof inner === "object") deepFrozen(inner);
    return Object.freeze(value);
  };
  const entries = [deepFrozen(info("x")), deepFrozen(info("y"))];
  const expected = plain("ListInstalledPlugins")({ plugins: entries });
  assert.deepEqual(reusing({ plugins: entries }), expected);
  assert.deepEqual(
    reusing({ plugins: [...entries].reverse() }),
    plain("ListInstalledPlugins")({ plugins: [...entries].reverse() }),
  );
});
