/**
 * Where the daemon listens and how: `unix:PATH` (mode 0600, a stale socket of a dead daemon
 * replaced, a live one refused), or `HOST:PORT` over TCP, which needs TLS unless HOST is a
 * loopback address.
 */
import { existsSync } from "node:fs";
import { chmod, mkdir, rm } from "node:fs/promises";
import { connect } from "node:net";
import { dirname, resolve } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { isLoopbackHost } from "../core/url-policy.ts";
import { RunnerError } from "../runner/index.ts";

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
  /** Clients must present a certificate signed by this CA. */
  clientCa?: Buffer;
}

export type Listen = { kind: "unix"; path: string } | { kind: "tcp"; host: string; port: number };

/** Parses `unix:PATH` or `HOST:PORT` (`[::1]:PORT` for IPv6). */
export function parseListen(text: string, cwd: string): Listen {
  if (text.startsWith("unix:")) return { kind: "unix", path: resolve(cwd, text.slice(5)) };
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(text);
  if (!m || Number(m[2]) > 65535) {
    throw new RunnerError("USAGE", `--listen ${text}: give unix:PATH or HOST:PORT`, { listen: text });
  }
  return { kind: "tcp", host: m[1]!.replace(/^\[|\]$/g, ""), port: Number(m[2]) };
}

/** Loopback as the runner's URL policy defines it (127.0.0.1, localhost, ::1). */
export function isLoopback(host: string): boolean {
  return isLoopbackHost(host.includes(":") ? `[${host}]` : host);
}

/** The server's credentials: TLS when given; plain only on a Unix socket or loopback. */
export function serverCredentials(listen: Listen, tls: TlsFiles | undefined): grpc.ServerCredentials {
  if (tls) {
    return grpc.ServerCredentials.createSsl(
      tls.clientCa ?? null,
      [{ cert_chain: tls.cert, private_key: tls.key }],
      tls.clientCa !== undefined,
    );
  }
  if (listen.kind === "tcp" && !isLoopback(listen.host)) {
    throw new RunnerError(
      "USAGE",
      `--listen ${listen.host}:${listen.port} is not a loopback address: give --tls-cert and --tls-key (and --tls-client-ca to require client certificates)`,
      { listen: `${listen.host}:${listen.port}` },
    );
  }
  return grpc.ServerCredentials.createInsecure();
}

function answers(path: string): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(path);
    socket.once("connect", () => {
      socket.destroy();
      done(true);
    });
    socket.once("error", () => done(false));
  });
}

/** Binds `server`; returns the address clients dial (`unix:PATH` or `HOST:PORT`). */
export async function bind(
  server: grpc.Server,
  listen: Listen,
  credentials: grpc.ServerCredentials,
): Promise<string> {
  if (listen.kind === "tcp") {
    const host = listen.host.includes(":") ? `[${listen.host}]` : listen.host;
    const port = await new Promise<number>((ok, fail) =>
      server.bindAsync(`${host}:${listen.port}`, credentials, (e, p) => (e ? fail(e) : ok(p))),
    );
    return `${host}:${port}`;
  }
  await mkdir(dirname(listen.path), { recursive: true, mode: 0o700 });
  if (existsSync(listen.path)) {
    if (await answers(listen.path)) {
      throw new RunnerError("USAGE", `Another daemon answers on ${listen.path}`, { listen: listen.path });
    }
    await rm(listen.path, { force: true });
  }
  // The socket is created 0600 (umask), never briefly open to others; chmod makes it certain.
  const umask = process.umask(0o177);
  try {
    await new Promise<number>((ok, fail) =>
      server.bindAsync(`unix:${listen.path}`, credentials, (e, p) => (e ? fail(e) : ok(p))),
    );
  } finally {
    process.umask(umask);
  }
  await chmod(listen.path, 0o600);
  return `unix:${listen.path}`;
}
