/**
 * Offline keyless Sigstore signing for the demo registry.
 *
 * @sigstore/mock provides a Fulcio CA, a CT log and a Rekor log; nock routes @sigstore/sign's
 * requests to them, so no byte leaves the machine. The mock services' keys are committed under
 * demo/keys (DEMO-ONLY), which keeps one trusted root valid for bundles made on later runs: a new
 * version can be signed without touching the trusted root that earlier bundles verify against.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bundleToJSON, type SerializedBundle } from "@sigstore/bundle";
import { fulcioHandler, initializeCA, initializeCTLog, initializeTLog, rekorHandler } from "@sigstore/mock";
import { FulcioSigner, MessageSignatureBundleBuilder, RekorWitness } from "@sigstore/sign";
import nock from "nock";

const FULCIO_URL = "https://fulcio.sigstore.dev";
const REKOR_URL = "https://rekor.sigstore.dev";
const CTLOG_URL = "https://ctfe.sigstore.dev";

interface KeyPair {
  publicKey: KeyObject;
  privateKey: KeyObject;
}

function keyPair(file: string): KeyPair {
  const privateKey = createPrivateKey(readFileSync(file));
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** The two demo service keys: Fulcio CA (also the CT log, as @sigstore/mock does) and Rekor. */
export function loadMockServiceKeys(keysDir: string): { ca: KeyPair; rekor: KeyPair } {
  return {
    ca: keyPair(join(keysDir, "sigstore-mock-fulcio-ca.DEMO-ONLY-DO-NOT-USE.key.pem")),
    rekor: keyPair(join(keysDir, "sigstore-mock-rekor-log.DEMO-ONLY-DO-NOT-USE.key.pem")),
  };
}

const b64 = (bytes: ArrayBufferView): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");

/**
 * A trusted root (Sigstore protobuf-specs JSON, the format of `trusted_root.json`) for the mock
 * services, valid from `start`. Written once; bundles made later with the same keys verify against it.
 */
export async function mockTrustedRoot(keys: { ca: KeyPair; rekor: KeyPair }, start: Date): Promise<object> {
  const ctlog = await initializeCTLog(keys.ca, start);
  const ca = await initializeCA(keys.ca, ctlog, start);
  const rekorSpki = keys.rekor.publicKey.export({ type: "spki", format: "der" });
  const validFor = { start: start.toISOString() };
  return {
    mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
    tlogs: [
      {
        baseUrl: REKOR_URL,
        hashAlgorithm: "SHA2_256",
        publicKey: { rawBytes: b64(rekorSpki), keyDetails: "PKIX_ECDSA_P256_SHA_256", validFor },
        logId: { keyId: b64(createHash("sha256").update(rekorSpki).digest()) },
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: "sigstore.mock", commonName: "sigstore" },
        uri: FULCIO_URL,
        certChain: { certificates: [{ rawBytes: b64(ca.rootCertificate) }] },
        validFor,
      },
    ],
    ctlogs: [
      {
        baseUrl: CTLOG_URL,
        hashAlgorithm: "SHA2_256",
        publicKey: { rawBytes: b64(ctlog.publicKey), keyDetails: "PKIX_ECDSA_P256_SHA_256", validFor },
        logId: { keyId: b64(ctlog.logID) },
      },
    ],
    timestampAuthorities: [],
  };
}

/** What the GitHub Actions OIDC token of a release workflow would claim. */
export interface WorkflowIdentity {
  issuer: string;
  /** The certificate's SAN: `https://github.com/<repo>/.github/workflows/<file>@<ref>`. */
  identity: string;
}

const base64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64url");

/** An unsigned JWT: the mock Fulcio reads claims and never checks the token's signature. */
function unsignedToken(who: WorkflowIdentity): string {
  const match = /^https:\/\/github\.com\/([^/]+\/[^/]+)\/(\.github\/workflows\/[^@]+)@(.+)$/.exec(
    who.identity,
  );
  const claims = {
    iss: who.issuer,
    sub: who.identity,
    aud: "sigstore",
    ...(match ? { repository: match[1], workflow: "release", ref: match[3], event_name: "push" } : {}),
  };
  return `${base64url({ alg: "none", typ: "JWT" })}.${base64url(claims)}.`;
}

/**
 * A Sigstore message-signature bundle (v0.3) over `artifact`, made keyless for `who` against the
 * mock services. Returns the bundle as JSON, ready to be written as `<version>.sigstore.json`.
 */
export async function signKeyless(
  artifact: Buffer,
  who: WorkflowIdentity,
  keys: { ca: KeyPair; rekor: KeyPair },
): Promise<SerializedBundle> {
  const ctlog = await initializeCTLog(keys.ca);
  const ca = await initializeCA(keys.ca, ctlog);
  const tlog = await initializeTLog(REKOR_URL, keys.rekor);
  const fulcio = fulcioHandler(ca, { strict: true });
  const rekor = rekorHandler(tlog, { strict: true });
  // nock 15 hands a reply function the fetch-style Request.
  const body = (request: Request): Promise<string> => request.text();
  nock.disableNetConnect();
  try {
    nock(FULCIO_URL)
      .post(fulcio.path)
      .reply(async (request: Request) => {
        const r = await fulcio.fn(await body(request));
        return [r.statusCode, r.response, { "Content-Type": r.contentType ?? "text/plain" }];
      });
    nock(REKOR_URL)
      .post(rekor.path)
      .reply(async (request: Request) => {
        const r = await rekor.fn(await body(request));
        return [r.statusCode, r.response, { "Content-Type": r.contentType ?? "text/plain" }];
      });
    const token = unsignedToken(who);
    const builder = new MessageSignatureBundleBuilder({
      signer: new FulcioSigner({
        fulcioBaseURL: FULCIO_URL,
        identityProvider: { getToken: async () => token },
      }),
      witnesses: [new RekorWitness({ rekorBaseURL: REKOR_URL })],
    });
    return bundleToJSON(await builder.create({ data: artifact }));
  } finally {
    nock.cleanAll();
    nock.enableNetConnect();
  }
}
