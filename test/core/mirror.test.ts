import assert from "node:assert/strict";
import { test } from "node:test";
import { mirrorLocation, mirrorSetting } from "../../core/net/mirror.ts";

const ARTIFACT = "https://github.com/acme/p/releases/download/v1.0.0/p-1.0.0.tar.gz";

test("the artifact mirror a user gives has one meaning: a folder made absolute, a file: URL's folder, or an http(s) base URL", () => {
  assert.deepEqual(mirrorSetting("demo/artifacts", "/work/registry"), {
    mirror: "/work/registry/demo/artifacts",
  });
  assert.deepEqual(mirrorSetting("/srv/artifacts", "/work"), { mirror: "/srv/artifacts" });
  assert.deepEqual(mirrorSetting("./a:b", "/work"), { mirror: "/work/a:b" });
  assert.deepEqual(mirrorSetting("file:///srv/artifacts/", "/work"), { mirror: "/srv/artifacts/" });
  assert.deepEqual(mirrorSetting("https://mirror.example.test/a", "/work"), {
    mirror: "https://mirror.example.test/a",
  });
  assert.deepEqual(mirrorSetting("HTTP://127.0.0.1:4321/artifacts/", "/work"), {
    mirror: "http://127.0.0.1:4321/artifacts/",
  });
  // The setting is idempotent: the gate and the runner may both pass it through.
  for (const given of ["demo/artifacts", "file:///srv/x", "https://mirror.example.test/a/"]) {
    const once = mirrorSetting(given, "/work");
    assert.ok("mirror" in once);
    assert.deepEqual(mirrorSetting(once.mirror, "/elsewhere"), once, given);
  }
});

test("a mirror that is no folder and no http(s) URL is refused by name, before any download", () => {
  for (const bad of [
    "http://[",
    "https://",
    "http:x",
    "gopher://mirror.example.test/",
    "a:b",
    "javascript:alert(1)",
  ]) {
    const setting = mirrorSetting(bad, "/work");
    assert.ok("problem" in setting, bad);
    assert.match(setting.problem, /artifact mirror/, bad);
    assert.ok(setting.problem.includes(JSON.stringify(bad)), bad);
  }
  const remote = mirrorSetting("file://fileserver/share", "/work");
  assert.ok("problem" in remote && /not a local file: URL/.test(remote.problem), JSON.stringify(remote));
});

test("where a mirror holds an artifact: its folder or its URL by file name, and a problem (never a throw) for anything else", () => {
  assert.deepEqual(mirrorLocation(ARTIFACT, "/srv/artifacts"), {
    kind: "file",
    path: "/srv/artifacts/p-1.0.0.tar.gz",
  });
  assert.deepEqual(mirrorLocation(ARTIFACT, "file:///srv/artifacts"), {
    kind: "file",
    path: "/srv/artifacts/p-1.0.0.tar.gz",
  });
  assert.deepEqual(mirrorLocation(ARTIFACT, "https://mirror.example.test/a"), {
    kind: "url",
    url: "https://mirror.example.test/a/p-1.0.0.tar.gz",
  });
  assert.deepEqual(mirrorLocation("https://x.example.test/a%20b%3Fc", "https://mirror.example.test/"), {
    kind: "url",
    url: "https://mirror.example.test/a%20b%3Fc",
  });
  for (const mirror of ["http://[", "file://fileserver/share", "demo/artifacts", "gopher://m/"]) {
    const where = mirrorLocation(ARTIFACT, mirror);
    assert.ok("problem" in where, mirror);
  }
  for (const url of [
    "https://x.example.test/",
    "https://x.example.test/..%2F..%2Fetc",
    "https://x.example.test/%ZZ",
  ])
    assert.ok("problem" in mirrorLocation(url, "/srv/artifacts"), url);
});
