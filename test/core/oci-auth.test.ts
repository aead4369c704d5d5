/**
 * core/oci/auth.ts: the Bearer challenges container registries answer anonymous pulls with, the
 * token URL asked for, and the token read from the answer: as ghcr.io and Docker Hub write them,
 * and as a hostile registry might.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bearerChallenge, MAX_CHALLENGE_BYTES, tokenOf, tokenUrl } from "../../core/oci/auth.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

test("the challenges of ghcr.io and Docker Hub give the realm and service; the scope asked is always a pull of the repository", () => {
  const ghcr = bearerChallenge(
    'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:acme/x:pull"',
  );
  assert.deepEqual(ghcr, { realm: "https://ghcr.io/token", service: "ghcr.io" });
  assert.equal(
    tokenUrl(ghcr!, "acme/x"),
    "https://ghcr.io/token?service=ghcr.io&scope=repository%3Aacme%2Fx%3Apull",
  );
  const hub = bearerChallenge(
    'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:push,pull"',
  );
  assert.equal(
    tokenUrl(hub!, "library/alpine"),
    "https://auth.docker.io/token?service=registry.docker.io&scope=repository%3Alibrary%2Falpine%3Apull",
    "a wider scope in the challenge is not asked for",
  );
});

test("challenges in other shapes: another scheme first, unquoted values, escapes, odd case", () => {
  assert.deepEqual(bearerChallenge('Basic realm="x", Bearer realm="https://r.test/t"'), {
    realm: "https://r.test/t",
  });
  assert.deepEqual(bearerChallenge("bearer realm=https://r.test/t, service=svc"), {
    realm: "https://r.test/t",
    service: "svc",
  });
  assert.deepEqual(bearerChallenge('Bearer realm="https://r.test/a\\"b"'), { realm: 'https://r.test/a"b' });
  assert.deepEqual(bearerChallenge('Bearer realm="https://r.test/t", Basic realm="other"'), {
    realm: "https://r.test/t",
  });
});

test("no Bearer challenge, no realm, or too long: none (the 401 stands)", () => {
  for (const header of [
    undefined,
    "",
    'Basic realm="registry"',
    'Bearer service="ghcr.io"',
    "Bearer",
    'Bearerish realm="https://r.test/t"',
    `Bearer realm="https://r.test/${"x".repeat(MAX_CHALLENGE_BYTES)}"`,
  ])
    assert.equal(bearerChallenge(header), undefined, String(header));
  assert.equal(tokenUrl({ realm: "javascript:alert(1)" }, "acme/x"), undefined);
  assert.equal(tokenUrl({ realm: "/token" }, "acme/x"), undefined, "a relative realm");
  assert.equal(tokenUrl({ realm: "file:///etc/passwd" }, "acme/x"), undefined);
});

test("a token answer gives `token`, else `access_token`, only as a header may carry it", () => {
  assert.equal(tokenOf(bytes('{"token":"abc.def-ghi_","expires_in":300}')), "abc.def-ghi_");
  assert.equal(tokenOf(bytes('{"access_token":"xyz"}')), "xyz");
  assert.equal(tokenOf(bytes('{"token":"","access_token":"xyz"}')), "xyz");
  for (const answer of [
    '{"token":"two words"}',
    '{"token":"line\\r\\nX-Injected: 1"}',
    '{"token":42}',
    `{"token":"${"t".repeat(8193)}"}`,
    "[]",
    "null",
    "not json",
    '{"__proto__":{"token":"x"}}',
  ])
    assert.equal(tokenOf(bytes(answer)), undefined, answer);
});
