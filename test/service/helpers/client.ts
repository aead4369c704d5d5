/**
 * A client of the daemon as FinFocus would build one: generated from the specification's
 * registry.proto (the upstream file, not the project's), promisified per RPC, with the error
 * document read back from the status details.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import type { ErrorDocument } from "../../../core/error-document.ts";
import { DETAILS_TRAILER, decodeDetails } from "../../../service/status.ts";
import { CLIENT_PROTO } from "./upstream.ts";

// biome-ignore lint/suspicious/noExplicitAny: messages are whatever the proto says; tests read their fields
export type Message = Record<string, any>;
type Unary = (
  this: grpc.Client,
  request: Message,
  options: grpc.CallOptions,
  callback: (error: grpc.ServiceError | null, value: Message) => void,
) => grpc.ClientUnaryCall;
/** One RPC; `signal` cancels it, as a client that goes away. */
export type Call = (request: Message, signal?: AbortSignal) => Promise<Message>;

export interface RegistryClient {
  call: Record<string, Call>;
  close(): void;
}

/** A client of finfocus.v1.PluginRegistryService at `address`. */
export function registryClient(
  address: string,
  credentials = grpc.credentials.createInsecure(),
  deadlineMs = 30_000,
): RegistryClient {
  const definition = protoLoader.loadSync(CLIENT_PROTO, {
    keepCase: true,
    enums: String,
    longs: Number,
    defaults: true,
    oneofs: true,
  });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    finfocus: { v1: { PluginRegistryService: grpc.ServiceClientConstructor } };
  };
  const client = new pkg.finfocus.v1.PluginRegistryService(address, credentials, {
    "grpc.enable_channelz": 0,
    // Its own connection, as a client in its own process has (grpc-js otherwise shares one
    // connection between every client of the same address in a process).
    "grpc.use_local_subchannel_pool": 1,
  });
  const call: Record<string, Call> = {};
  for (const method of Object.keys(pkg.finfocus.v1.PluginRegistryService.service)) {
    call[method] = (request, signal) =>
      new Promise((resolve, reject) => {
        const pending = (client as unknown as Record<string, Unary>)[method]!.call(
          client,
          request,
          { deadline: Date.now() + deadlineMs },
          (error: grpc.ServiceError | null, value: Message) => (error ? reject(error) : resolve(value)),
        );
        signal?.addEventListener("abort", () => pending.cancel(), { once: true });
      });
  }
  return { call, close: () => client.close() };
}

/** The error document a failed call carried in its status details. */
export function errorDocument(error: grpc.ServiceError): ErrorDocument | undefined {
  const [bytes] = error.metadata?.get(DETAILS_TRAILER) ?? [];
  return bytes instanceof Buffer ? decodeDetails(bytes) : undefined;
}

/** Starts the test plugin process; resolves with its port, and a way to steer and stop it. */
export async function startHealthPlugin(controlFile: string): Promise<{
  port: number;
  set(behaviour: { delayMs?: number; status?: string }): void;
  stop(): Promise<void>;
  child: ChildProcess;
}> {
  const script = fileURLToPath(new URL("./health-plugin.ts", import.meta.url));
  const child = spawn(process.execPath, [script, controlFile], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /PORT=(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", (code) => reject(new Error(`health plugin exited with ${code}`)));
  });
  return {
    port,
    child,
    set: (behaviour) => writeFileSync(controlFile, JSON.stringify(behaviour)),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
