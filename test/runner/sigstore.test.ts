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
