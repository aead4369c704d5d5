/**
 * A throwaway Sigstore instance served on loopback HTTP, for a release Action that runs as its own
 * process (nock cannot reach into it): @sigstore/mock's Fulcio and Rekor handlers, and the GitHub
 * Actions OIDC token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL) handing out the workflow identity.
 * Bundles made against it are real and verify against `trustedRoot`.
 */
import { createHash, generateKeyPairSync, type KeyObject } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fulcioHandler, initializeCA, initializeCTLog, initializeTLog, rekorHandler } from "@sigstore/mock";

export interface SigstoreLoopback {
  fulcioUrl: string;
  rekorUrl: string;
  /** For ACTIONS_ID_TOKEN_REQUEST_URL: answers `{ value: <token> }` for the current identity. */
  tokenUrl: string;
  /** Trusted-root JSON trusting exactly this instance. */
  trustedRoot: object;
  /** The identity (certificate SAN) and issuer the next token claims. */
  identity: { identity: string; issuer: string };
  /** Token requests seen (the audience asked for). */
  tokenRequests: string[];
  close(): Promise<void>;
}

type Handler = {
  path: string;
  fn: (body: string) => Promise<{ statusCode: number; response: unknown; contentType?: string }>;
};

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const b64 = (bytes: ArrayBufferView) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");

/**
 * The trusted root of this instance. The log's baseUrl matters: @sigstore/verify finds the log
 * that signed a checkpoint by the name in the checkpoint, which is the Rekor URL's host.
 */
function trustedRoot(
  rekorUrl: string,
  rekorKey: KeyObject,
  ca: { rootCertificate: unknown },
  ct: { publicKey: ArrayBufferView; logID: ArrayBufferView },
): object {
  const validFor = { start: "2020-01-01T00:00:00Z" };
  const rekorSpki = rekorKey.export({ type: "spki", format: "der" });
  const key = (raw: ArrayBufferView) => ({
    rawBytes: b64(raw),
    keyDetails: "PKIX_ECDSA_P256_SHA_256",
    validFor,
  });
  return {
    mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
    tlogs: [
      {
        baseUrl: rekorUrl,
        hashAlgorithm: "SHA2_256",
        publicKey: key(rekorSpki),
        logId: { keyId: b64(createHash("sha256").update(rekorSpki).digest()) },
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: "sigstore.mock", commonName: "sigstore" },
        uri: "https://fulcio.example.test",
        certChain: { certificates: [{ rawBytes: b64(ca.rootCertificate as ArrayBufferView) }] },
        validFor,
      },
    ],
    ctlogs: [
      {
        baseUrl: "https://ctfe.example.test",
        hashAlgorithm: "SHA2_256",
        publicKey: key(ct.publicKey),
        logId: { keyId: b64(ct.logID) },
      },
    ],
    timestampAuthorities: [],
  };
}

/** Starts the instance; `identity` is what the workflow's OIDC token claims. */
export async function sigstoreLoopback(identity: {
  identity: string;
  issuer: string;
}): Promise<SigstoreLoopback> {
  const keys = {
    ca: generateKeyPairSync("ec", { namedCurve: "P-256" }),
    rekor: generateKeyPairSync("ec", { namedCurve: "P-256" }),
  };
  const ctlog = await initializeCTLog(keys.ca);
  const ca = await initializeCA(keys.ca, ctlog);
  const server = createServer();
  // A client on a starved machine may reuse a kept-alive socket just as a 5 s server timeout
  // closes it ("other side closed"): keep idle sockets open longer than any pause in a test.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tlog = await initializeTLog(`${url}/rekor`, keys.rekor);
  const fulcio = fulcioHandler(ca) as Handler;
  const rekor = rekorHandler(tlog) as Handler;
  const loop: SigstoreLoopback = {
    fulcioUrl: `${url}/fulcio`,
    rekorUrl: `${url}/rekor`,
    tokenUrl: `${url}/token`,
    trustedRoot: trustedRoot(`${url}/rekor`, keys.rekor.publicKey, ca, ctlog),
    identity,
    tokenRequests: [],
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on("request", async (req, res) => {
    const path = new URL(req.url ?? "/", url);
    let text = "";
    for await (const chunk of req) text += chunk;
    if (req.method === "GET" && path.pathname === "/token") {
      loop.tokenRequests.push(path.searchParams.get("audience") ?? "");
      const claims = { iss: loop.identity.issuer, sub: loop.identity.identity, aud: "sigstore" };
      const token = `${b64url({ alg: "none", typ: "JWT" })}.${b64url(claims)}.`;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ value: token }));
      return;
    }
    const handler =
      path.pathname === `/fulcio${fulcio.path}`
        ? fulcio
        : path.pathname === `/rekor${rekor.path}`
          ? rekor
          : undefined;
    if (req.method !== "POST" || !handler) return void res.writeHead(404).end();
    const r = await handler.fn(text);
    res.writeHead(r.statusCode, { "content-type": r.contentType ?? "text/plain" });
    res.end(typeof r.response === "string" ? r.response : JSON.stringify(r.response));
  });
  return loop;
}
