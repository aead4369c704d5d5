import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, test } from "node:test";
import { isRunnerError } from "../../runner/errors.ts";
import { install } from "../../runner/ops/install.ts";
import { listInstalled } from "../../runner/ops/list.ts";
import { createMockInstance, type MockInstance } from "../signature/helpers/sigstore-mock.ts";
import { testContext } from "./helpers/context.ts";
import { defaultArchive, publish } from "./helpers/registry.ts";
import { type StaticServer, startServer } from "./helpers/server.ts";

const identity = "https://github.com/acme/plugin/.github/workflows/release.yml@refs/heads/main";
const issuer = "https://token.actions.githubusercontent.com";
let server: StaticServer;
let sigstore: MockInstance;
const temps: string[] = [];

before(async () => {
  sigstore = await createMockInstance();
  server = await startServer();
  const archive = (name: string) => defaultArchive(name, "1.0.0");
  publish(server, [
    {
      name: "keyless",
      sigstore: [{ identity, issuer }],
      versions: [
        {
          version: "1.0.0",
          security_level: "verified",
          archive: archive("keyless"),
          bundle: await sigstore.sign(archive("keyless"), identity, issuer),
        },
      ],
    },
    {
      // Signed by an identity that merely starts with the pinned one: must not pass.
      name: "lookalike",
      sigstore: [{ identity, issuer }],
      versions: [
        {
          version: "1.0.0",
          security_level: "verified",
          archive: archive("lookalike"),
          bundle: await sigstore.sign(archive("lookalike"), `${identity}.evil`, issuer),
        },
      ],
    },
    {
      name: "otherbytes",
      sigstore: [{ identity, issuer }],
      versions: [
        {
          version: "1.0.0",
          security_level: "verified",
          archive: archive("otherbytes"),
          bundle: await sigstore.sign(archive("keyless"), identity, issuer),
        },
      ],
    },
  ]);
});
after(async () => {
  await server.close();
  for (const t of temps) await rm(t, { recursive: true, force: true });
});

test("a Sigstore bundle with the pinned identity and issuer verifies before install", async () => {
  const c = await testContext(server.url, { trust: { trustedRoot: sigstore.trustedRoot } });
  temps.push(c.tmp);
  const r = await install(c, { plugins: [{ name: "keyless" }] });
  assert.equal(r.installed[0]?.signature_kind, "sigstore");
});

test("T1: a look-alike identity, a bundle over other bytes, or an untrusted root: refused with the gate's codes, nothing installed", async () => {
  for (const [name, trust, code] of [
    ["lookalike", { trustedRoot: sigstore.trustedRoot }, "IDENTITY_MISMATCH"],
    ["otherbytes", { trustedRoot: sigstore.trustedRoot }, "SIGNATURE_VERIFICATION_FAILED"],
    ["keyless", {}, "SIGNATURE_VERIFICATION_FAILED"], // the public-good root does not trust the mock instance
  ] as const) {
    const c = await testContext(server.url, { trust });
    temps.push(c.tmp);
    await assert.rejects(install(c, { plugins: [{ name }] }), (e) => isRunnerError(e, code));
    assert.deepEqual(await listInstalled(c.pluginDir), [], name);
  }
});

test("#16.6: the registry's additional trusted roots (a private Sigstore instance) verify besides the one in use; one that cannot be read refuses", async () => {
  const privateInstance = await createMockInstance();
  const s = await startServer();
  const archive = defaultArchive("private", "1.0.0");
  publish(s, [
    {
      name: "private",
      sigstore: [{ identity, issuer }],
      versions: [
        {
          version: "1.0.0",
          security_level: "verified",
          archive,
          bundle: await privateInstance.sign(archive, identity, issuer),
        },
      ],
    },
  ]);
  const discoveryPath = "/.well-known/finfocus-registry.json";
  const discovery = JSON.parse(Buffer.from(s.files.get(discoveryPath)!).toString());
  const withAdditional = (paths: string[]) =>
    s.files.set(
      discoveryPath,
      Buffer.from(JSON.stringify({ ...discovery, sigstore_additional_trusted_roots: paths })),
    );
  s.files.set("/roots/private.json", Buffer.from(JSON.stringify(privateInstance.trustedRoot)));
  try {
    // Only the main root (the shared mock instance): the private instance's bundle is refused.
    const c1 = await testContext(s.url, { trust: { trustedRoot: sigstore.trustedRoot } });
    temps.push(c1.tmp);
    await assert.rejects(install(c1, { plugins: [{ name: "private" }] }), (e) =>
      isRunnerError(e, "SIGNATURE_VERIFICATION_FAILED"),
    );
    // The user's --registry-config names it as an additional root: verified.
    const c2 = await testContext(s.url, {
      trust: { trustedRoot: sigstore.trustedRoot, additionalTrustedRoots: [privateInstance.trustedRoot] },
    });
    temps.push(c2.tmp);
    assert.equal(
      (await install(c2, { plugins: [{ name: "private" }] })).installed[0]?.signature_kind,
      "sigstore",
    );
    // The registry publishes it (discovery document): verified.
    withAdditional(["/roots/private.json"]);
    const c3 = await testContext(s.url, { trust: { trustedRoot: sigstore.trustedRoot } });
    temps.push(c3.tmp);
    assert.equal(
      (await install(c3, { plugins: [{ name: "private" }] })).installed[0]?.signature_kind,
      "sigstore",
    );
    // A named additional root that is missing: refused, never verified without it.
    withAdditional(["/roots/private.json", "/roots/missing.json"]);
    const c4 = await testContext(s.url, { trust: { trustedRoot: sigstore.trustedRoot } });
    temps.push(c4.tmp);
    await assert.rejects(install(c4, { plugins: [{ name: "private" }] }), (e) =>
      isRunnerError(e, "SIGNATURE_VERIFICATION_FAILED"),
    );
    assert.deepEqual(await listInstalled(c4.pluginDir), []);
  } finally {
    await s.close();
  }
});
