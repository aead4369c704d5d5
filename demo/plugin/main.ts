/**
 * The demo FinFocus cost-source plugin: a gRPC server for `finfocus.v1.CostSourceService`
 * (Name and Supports; every other method answers UNIMPLEMENTED, as grpc-js does for methods a
 * server does not register). Bundled with esbuild into `plugin.cjs` and started by the
 * `finfocus-plugin-<name>` launcher with Node.js, it follows the plugin contract of the FinFocus
 * SDK: the port from `--port=N`, else `FINFOCUS_PLUGIN_PORT`, else one the kernel picks; listen on
 * 127.0.0.1 only; print `PORT=<port>` on stdout once listening; stop cleanly on SIGTERM or SIGINT.
 * Its answers come from `cost-source.json` beside it (scripts/demo/release-plugin.ts writes it).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { type RateCard, type ResourceDescriptor, supports } from "./cost-source.ts";

const here = dirname(process.argv[1] ?? ".");
const card = JSON.parse(readFileSync(join(here, "cost-source.json"), "utf8")) as RateCard;
const launcher = `finfocus-plugin-${card.name}`;

function fail(message: string, status = 2): never {
  process.stderr.write(`${launcher}: ${message}\n`);
  process.exit(status);
}

/** The port as the SDK resolves it: the flag, then the environment, then 0 (any free port). */
function portFrom(args: string[], env: NodeJS.ProcessEnv): number {
  let flag: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    const match = /^--?port(?:=(.*))?$/.exec(arg);
    if (match) flag = match[1] ?? args[++i];
    else fail(`unknown argument ${JSON.stringify(arg)}\nUsage: ${launcher} [--port=N] [--version] [--help]`);
  }
  const parse = (value: string | undefined, what: string) => {
    if (value === undefined || value === "") return 0;
    const port = Number(value);
    if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`${what} is not a port: ${value}`);
    return port;
  };
  return (
    parse(flag, "--port") ||
    parse(env.FINFOCUS_PLUGIN_PORT ?? env.PULUMICOST_PLUGIN_PORT, "FINFOCUS_PLUGIN_PORT")
  );
}

function main(args: string[]): void {
  if (args.includes("--version")) {
    process.stdout.write(`${card.name} ${card.version}\n`);
    return;
  }
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(`Usage: ${launcher} [--port=N]

${card.description}

Serves finfocus.v1.CostSourceService (Name, Supports) on 127.0.0.1:N and prints PORT=N once
listening. The port comes from --port, else FINFOCUS_PLUGIN_PORT, else any free port.
`);
    return;
  }
  const major = Number(process.versions.node.split(".")[0]);
  if (major < 18) fail(`needs Node.js 18 or later, found ${process.versions.node}`);
  const port = portFrom(args, process.env);
  const definition = protoLoader.loadSync(join(here, "costsource.proto"), { keepCase: true, defaults: true });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    finfocus: { v1: { CostSourceService: grpc.ServiceClientConstructor } };
  };
  const server = new grpc.Server();
  server.addService(pkg.finfocus.v1.CostSourceService.service, {
    Name: (_call: grpc.ServerUnaryCall<object, unknown>, done: grpc.sendUnaryData<unknown>) =>
      done(null, { name: card.name }),
    Supports: (
      call: grpc.ServerUnaryCall<{ resource?: ResourceDescriptor | null }, unknown>,
      done: grpc.sendUnaryData<unknown>,
    ) => done(null, supports(card, call.request.resource)),
  });
  server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) => {
    if (error) fail(`cannot listen on 127.0.0.1:${port}: ${error.message}`, 1);
    process.stdout.write(`PORT=${bound}\n`);
    process.stderr.write(
      `${card.name} ${card.version}: serving finfocus.v1.CostSourceService on 127.0.0.1:${bound}\n`,
    );
  });
  const stop = () => {
    const force = setTimeout(() => {
      server.forceShutdown();
      process.exit(0);
    }, 2000);
    server.tryShutdown(() => {
      clearTimeout(force);
      process.exit(0);
    });
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main(process.argv.slice(2));
