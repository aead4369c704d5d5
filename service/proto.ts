/**
 * The daemon's protocol definitions, loaded once: its own registry.proto (the specification's wire
 * contract), the standard health service (from grpc-health-check) and google.rpc.Status for rich
 * errors. The merged definition feeds both the server and server reflection.
 */
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { protoPath as HEALTH_PROTO } from "grpc-health-check";
import { reusingPluginBytes } from "./plugin-list-encoding.ts";

/** Path of service/proto/registry.proto. */
export const REGISTRY_PROTO = fileURLToPath(new URL("./proto/registry.proto", import.meta.url));
const STATUS_PROTO = fileURLToPath(new URL("./proto/rpc-status.proto", import.meta.url));

/** How messages reach the handlers: field names as in the .proto, enums as names, 64-bit ints as numbers. */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  enums: String,
  longs: Number,
  defaults: true,
  oneofs: true,
};

let definition: protoLoader.PackageDefinition | undefined;

/** The registry and health services' definitions, for the server and reflection. */
export function packageDefinition(): protoLoader.PackageDefinition {
  definition ??= protoLoader.loadSync([REGISTRY_PROTO, HEALTH_PROTO], LOADER_OPTIONS);
  return definition;
}

/**
 * finfocus.v1.PluginRegistryService's service definition, the responses that list plugins encoded
 * with each plugin's bytes reused (plugin-list-encoding.ts).
 */
export function registryService(): grpc.ServiceDefinition {
  const pkg = grpc.loadPackageDefinition(packageDefinition()) as unknown as {
    finfocus: { v1: { PluginRegistryService: grpc.ServiceClientConstructor } };
  };
  const service = { ...pkg.finfocus.v1.PluginRegistryService.service };
  for (const name of ["DiscoverPlugins", "ListInstalledPlugins"]) {
    const method = service[name];
    if (method) service[name] = { ...method, responseSerialize: reusingPluginBytes(method) };
  }
  return service;
}

/** The path of rpc-status.proto (google.rpc.Status), for encoding error details. */
export { STATUS_PROTO };
