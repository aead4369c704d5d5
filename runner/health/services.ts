/**
 * The two gRPC services health talks to, from this folder's own `.proto` files: the standard
 * `grpc.health.v1.Health` and FinFocus's `finfocus.v1.CostSourceService` (Name, Supports). Loaded
 * once; the same definitions serve clients here and servers in tests and the demo plugin.
 */
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";

const OPTIONS: protoLoader.Options = { keepCase: true, enums: String, defaults: true, longs: String };
const loaded = new Map<string, grpc.GrpcObject>();

function load(file: URL): grpc.GrpcObject {
  let pkg = loaded.get(file.href);
  if (!pkg) {
    const path = fileURLToPath(file);
    pkg = grpc.loadPackageDefinition(protoLoader.loadSync(path, OPTIONS));
    loaded.set(file.href, pkg);
  }
  return pkg;
}

/** The grpc.health.v1.Health service definition, for clients here and servers in tests. */
export function healthService(): grpc.ServiceClientConstructor {
  const pkg = load(new URL("./health.proto", import.meta.url)) as unknown as {
    grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
  };
  return pkg.grpc.health.v1.Health;
}

/** The finfocus.v1.CostSourceService definition (Name and Supports). */
export function costSourceService(): grpc.ServiceClientConstructor {
  const pkg = load(new URL("./costsource.proto", import.meta.url)) as unknown as {
    finfocus: { v1: { CostSourceService: grpc.ServiceClientConstructor } };
  };
  return pkg.finfocus.v1.CostSourceService;
}

/** One unary call that must answer before `deadline` (epoch ms), as a promise. */
export function unary<T>(client: grpc.Client, method: string, request: object, deadline: number): Promise<T> {
  type Unary = (
    request: object,
    options: grpc.CallOptions,
    callback: (error: grpc.ServiceError | null, value?: T) => void,
  ) => void;
  const call = (client as unknown as Record<string, Unary | undefined>)[method];
  if (typeof call !== "function") return Promise.reject(new Error(`no method ${method}`));
  return new Promise<T>((resolve, reject) => {
    call.call(client, request, { deadline }, (error, value) => (error ? reject(error) : resolve(value as T)));
  });
}
