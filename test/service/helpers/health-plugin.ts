/**
 * A plugin process for the daemon's tests: serves grpc.health.v1 on a loopback port it prints
 * (`PORT=n`), and reads its behaviour from the control file on every Check, so a test can make it
 * slow (`delayMs`), failing (`status: "NOT_SERVING"`) and well again without restarting it.
 * Run: node health-plugin.ts CONTROL_FILE
 */
import { readFileSync } from "node:fs";
import * as grpc from "@grpc/grpc-js";
import { healthService } from "../../../runner/health/services.ts";

const control = process.argv[2] ?? "";

function behaviour(): { delayMs: number; status: string } {
  try {
    return { delayMs: 0, status: "SERVING", ...JSON.parse(readFileSync(control, "utf8")) };
  } catch {
    return { delayMs: 0, status: "SERVING" };
  }
}

const server = new grpc.Server();
server.addService(healthService().service, {
  Check: (_call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
    const { delayMs, status } = behaviour();
    setTimeout(() => callback(null, { status }), delayMs);
  },
});
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  process.stdout.write(`PORT=${port}\n`);
});
process.on("SIGTERM", () => server.tryShutdown(() => process.exit(0)));
