/**
 * A throwaway Sigstore instance for tests: a Fulcio CA, a CT log and a Rekor log from
 * @sigstore/mock, served to @sigstore/sign through nock (no network), and the trusted root that
 * trusts exactly them. Bundles it makes are real and verifiable.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
} from "node:crypto";
import { bundleToJSON } from "@sigstore/bundle";
import { fulcioHandler, initializeCA, initializeCTLog, initializeTLog, rekorHandler } from "@sigstore/mock";
import { DSSEBundleBuilder, FulcioSigner, MessageSignatureBundleBuilder, RekorWitness } from "@sigstore/sign";
import nock from "nock";

type Handler = {
  path: string;
  fn: (body: string) => Promise<{ statusCode: number; response: unknown; contentType?: string }>;
};

export interface MockInstance {
  /** Trusted-root JSON trusting this instance only. */
  trustedRoot: Record<string, unknown>;
  /** A message-signature bundle (JSON) over `artifact`, by `identity` from `issuer`. */
  sign(artifact: Uint8Array, identity: string, issuer: string): Promise<Record<string, unknown>>;
  /** A message-signature bundle made with a managed key (as `cosign sign-blob --key … --bundle`). */
  signWithKey(artifact: Uint8Array, privateKeyPem: string): Promise<Record<string, unknown>>;
  /** A DSSE bundle (JSON) over an in-toto statement whose one subject has sha256 `subjectSha256`. */
  attest(subjectSha256: string, identity: string, issuer: string): Promise<Record<string, unknown>>;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const START = "2020-01-01T00:00:00Z";

/** nock 15 hands a reply function the fetch `Request` (one argument; two would mean a callback). */
function intercept(base: string, handler: Handler): void {
  nock(base)
    .persist()
    .post(handler.path)
    .reply(async (request: Request) => {
      const r = await handler.fn(await request.text());
      return [r.statusCode, r.response as string, { "Content-Type": r.contentType ?? "text/plain" }];
    });
}

/** An unsigned OIDC token: the mock Fulcio reads claims without checking a signature. */
function token(identity: string, issuer: string): string {
  return `${b64url({ alg: "none", typ: "JWT" })}.${b64url({ sub: identity, iss: issuer, aud: "sigstore" })}.x`;
}

/** Creates an instance with its own keys at unique fake URLs (several can coexist). */
export async function createMockInstance(): Promise<MockInstance> {
  const id = randomBytes(4).toString("hex");
  const fulcioURL = `https://fulcio-${id}.sigstore.test`;
  const rekorURL = `https://rekor-${id}.sigstore.test`;
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  const caKeys = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const ctKeys = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const tlogKeys = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const ctlog = await initializeCTLog(ctKeys);
  const ca = await initializeCA(caKeys, ctlog);
  const tlog = await initializeTLog(rekorURL, tlogKeys);
  intercept(fulcioURL, fulcioHandler(ca) as Handler);
  intercept(rekorURL, rekorHandler(tlog) as Handler);

  const key = (raw: Uint8Array) => ({
    rawBytes: b64(raw),
    keyDetails: "PKIX_ECDSA_P256_SHA_256",
    validFor: { start: START },
  });
  const trustedRoot = {
    mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
    tlogs: [
      {
        baseUrl: rekorURL,
        hashAlgorithm: "SHA2_256",
        publicKey: key(tlog.publicKey),
        logId: { keyId: b64(createHash("sha256").update(tlog.publicKey).digest()) },
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: "sigstore.mock", commonName: "sigstore" },
        uri: fulcioURL,
        certChain: { certificates: [{ rawBytes: b64(ca.rootCertificate as unknown as Uint8Array) }] },
        validFor: { start: START },
      },
    ],
    ctlogs: [
      {
        baseUrl: `https://ctfe-${id}.sigstore.test`,
        hashAlgorithm: "SHA2_256",
        publicKey: key(ctlog.publicKey),
        logId: { keyId: b64(ctlog.logID as unknown as Uint8Array) },
      },
    ],
    timestampAuthorities: [],
  };

  const signer = (identity: string, issuer: string) =>
    new FulcioSigner({
      fulcioBaseURL: fulcioURL,
      identityProvider: { getToken: async () => token(identity, issuer) },
    });
  return {
    trustedRoot,
    async sign(artifact, identity, issuer) {
      const builder = new MessageSignatureBundleBuilder({
        signer: signer(identity, issuer),
        witnesses: [new RekorWitness({ rekorBaseURL: rekorURL })],
      });
      return bundleToJSON(await builder.create({ data: Buffer.from(artifact) })) as Record<string, unknown>;
    },
    async signWithKey(artifact, privateKeyPem) {
      const privateKey = createPrivateKey(privateKeyPem);
      const publicKey = createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString();
      const keySigner = {
        sign: async (data: Buffer) => ({
          signature: sign("sha256", data, privateKey),
          key: { $case: "publicKey" as const, publicKey, hint: "a hint is not authenticated" },
        }),
      };
      const builder = new MessageSignatureBundleBuilder({
        signer: keySigner,
        witnesses: [new RekorWitness({ rekorBaseURL: rekorURL })],
      });
      return bundleToJSON(await builder.create({ data: Buffer.from(artifact) })) as Record<string, unknown>;
    },
    async attest(subjectSha256, identity, issuer) {
      const statement = {
        _type: "https://in-toto.io/Statement/v1",
        subject: [{ name: "plugin.tar.gz", digest: { sha256: subjectSha256 } }],
        predicateType: "https://slsa.dev/provenance/v1",
        predicate: {},
      };
      const builder = new DSSEBundleBuilder({
        signer: signer(identity, issuer),
        witnesses: [new RekorWitness({ rekorBaseURL: rekorURL, entryType: "intoto" })],
      });
      const bundle = await builder.create({
        data: Buffer.from(JSON.stringify(statement)),
        type: "application/vnd.in-toto+json",
      });
      return bundleToJSON(bundle) as Record<string, unknown>;
    },
  };
}
