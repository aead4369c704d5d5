import assert from "node:assert/strict";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { MessageChannel, receiveMessageOnPort, type Worker } from "node:worker_threads";
import { writeSyntheticRegistry } from "../../bench/synthetic-registry.ts";
import { readStamps, STAMP_MARGIN_NS } from "../../core/registry/file-stamps.ts";
import { loadRegistry } from "../../core/registry/load-registry.ts";
import { fsSource, memorySource } from "../../core/registry/registry-fs.ts";
import type { RegistrySource } from "../../core/registry/source.types.ts";
import { type PackedChunk, packResults, unpackResults } from "../../core/registry/worker-pool.ts";
import { validateRegistryFiles } from "../../core/validate/validate-files.ts";

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/registries/${name}/`, import.meta.url));

test("a good registry loads with versions in SemVer order and only warnings", async () => {
  const { snapshot, findings, stats } = await loadRegistry(fsSource(fixture("good")));
  assert.deepEqual(
    findings.filter((f) => f.severity === "error"),
    [],
  );
  assert.deepEqual(
    snapshot?.plugins.map((p) => p.name),
    ["auth-helper", "cost-aws"],
  );
  assert.deepEqual(
    snapshot?.plugins[1]?.versions.map((v) => v.version),
    ["0.9.0", "1.0.0", "1.2.0", "1.10.0"],
  );
  assert.match(snapshot?.plugins[0]?.versions[0]?.sha256 ?? "", /^[0-9a-f]{64}$/);
  assert.equal(stats.manifests, 7);
  // The optional dependency cost-extras is not published: a warning per manifest, not an error.
  assert.ok(findings.every((f) => f.code === "DEPENDENCY_NOT_FOUND" && f.severity === "warning"));
});

test("registry-wide problems: cycles, orphans, yanks of unknown versions, names, missing entry", async () => {
  const { findings } = await loadRegistry(fsSource(fixture("broken")));
  const got = findings.map((f) => `${f.code} ${f.file} ${f.pointer}`).sort();
  assert.deepEqual(got, [
    "DEPENDENCY_CYCLE plugins/alpha/versions/1.0.0.json /requirements/dependencies/0",
    "ENTRY_INVALID plugins/beta/entry.json /yanked/0.9.0",
    "ENTRY_INVALID plugins/delta/entry.json ",
    "LAYOUT_UNEXPECTED plugins/beta/versions/notes.txt ",
    "NAME_MISMATCH plugins/gamma/entry.json /name",
    "ORPHAN_FILE plugins/beta/versions/2.0.0.sigstore.json ",
  ]);
  const cycle = findings.find((f) => f.code === "DEPENDENCY_CYCLE");
  assert.match(cycle?.message ?? "", /alpha → beta → alpha/);
});

test("a folder without config.json is named as such", async () => {
  const { snapshot, findings } = await loadRegistry(memorySource({}, "empty"));
  assert.equal(snapshot, undefined);
  assert.deepEqual(
    findings.map((f) => f.code),
    ["CONFIG_INVALID"],
  );
});

test("validating one manifest in registry context reads its plugin and what it depends on, not the registry", async () => {
  // The good fixture (cost-aws, which depends on auth-helper) and a plugin nothing depends on.
  const files: Record<string, string> = {};
  const dir = fixture("good");
  for (const rel of ["config.json", "plugins/cost-aws/entry.json", "plugins/auth-helper/entry.json"])
    files[rel] = readFileSync(path.join(dir, rel), "utf8");
  for (const name of ["cost-aws", "auth-helper"])
    for (const f of readdirSync(path.join(dir, "plugins", name, "versions")))
      files[`plugins/${name}/versions/${f}`] = readFileSync(
        path.join(dir, "plugins", name, "versions", f),
        "utf8",
      );
  files["plugins/unrelated/entry.json"] = files["plugins/auth-helper/entry.json"]!.replaceAll(
    "auth-helper",
    "unrelated",
  );
  files["plugins/unrelated/versions/1.0.0.json"] = files[
    "plugins/auth-helper/versions/1.0.0.json"
  ]!.replaceAll("auth-helper", "unrelated");
  const memory = memorySource(files);
  const read: string[] = [];
  const source: RegistrySource = {
    ...memory,
    readFile: (rel, stamped) => {
      read.push(rel);
      return memory.readFile(rel, stamped);
    },
  };
  const { findings } = await validateRegistryFiles(source, ["plugins/cost-aws/versions/1.10.0.json"]);
  assert.deepEqual(
    findings.map((f) => f.code),
    ["DEPENDENCY_NOT_FOUND"],
  );
  assert.ok(read.includes("plugins/auth-helper/versions/1.1.0.json"), read.join("\n"));
  assert.deepEqual(
    read.filter((f) => f.includes("unrelated")),
    [],
  );
});

test("validating named files reports what they cause elsewhere (a cycle they close, a case twin), not what was there before", async () => {
  const dir = fixture("good");
  const template = JSON.parse(
    readFileSync(path.join(dir, "plugins/auth-helper/versions/1.0.0.json"), "utf8"),
  );
  const entry = readFileSync(path.join(dir, "plugins/auth-helper/entry.json"), "utf8");
  const manifest = (
    name: string,
    version: string,
    deps: { name: string; version_constraint: string }[] = [],
  ) =>
    JSON.stringify({
      ...template,
      metadata: { ...template.metadata, name, version },
      ...(deps.length > 0 ? { requirements: { dependencies: deps } } : {}),
    });
  const files: Record<string, string> = {
    "config.json": readFileSync(path.join(dir, "config.json"), "utf8"),
    "plugins/alpha/entry.json": entry.replaceAll("auth-helper", "alpha"),
    "plugins/alpha/versions/1.0.0.json": manifest("alpha", "1.0.0", [
      { name: "zeta", version_constraint: "^2.0.0" },
    ]),
    "plugins/zeta/entry.json": entry.replaceAll("auth-helper", "zeta"),
    // Already broken before anything is named: an unknown dependency.
    "plugins/zeta/versions/1.0.0.json": manifest("zeta", "1.0.0", [
      { name: "nowhere", version_constraint: "^1.0.0" },
    ]),
    "plugins/zeta/versions/1.1.0-rc.1.json": manifest("zeta", "1.1.0-rc.1"),
    // Named below: closes alpha → zeta → alpha; a case twin of 1.1.0-rc.1.
    "plugins/zeta/versions/2.0.0.json": manifest("zeta", "2.0.0", [
      { name: "alpha", version_constraint: "^1.0.0" },
    ]),
    "plugins/zeta/versions/1.1.0-RC.1.json": manifest("zeta", "1.1.0-RC.1"),
  };
  const source = memorySource(files);
  const codes = async (named: string) =>
    (await validateRegistryFiles(source, [named])).findings.map((f) => `${f.code} ${f.file}`);
  const cycle = await codes("plugins/zeta/versions/2.0.0.json");
  assert.ok(
    cycle.some((c) => c.startsWith("DEPENDENCY_CYCLE ")),
    cycle.join("\n"),
  );
  assert.ok(!cycle.some((c) => c.includes("zeta/versions/1.0.0.json")), cycle.join("\n"));
  const twin = await codes("plugins/zeta/versions/1.1.0-RC.1.json");
  assert.ok(
    twin.some((c) => c.startsWith("LAYOUT_CASE_CONFLICT ")),
    twin.join("\n"),
  );
  assert.ok(!twin.some((c) => c.includes("zeta/versions/1.0.0.json")), twin.join("\n"));
});

test("a source never reads outside its folder", async () => {
  const source = fsSource(fixture("good"));
  assert.equal(await source.readFile("../broken/config.json"), undefined);
  assert.deepEqual(await source.list("../.."), []);
});

test("worker threads give the same findings and snapshot as one thread", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "ffr-workers-"));
  try {
    // 1,200 manifests: three chunks, two of them in the worker's hands at once.
    writeSyntheticRegistry(dir, { plugins: 300, versions: 4 });
    // Broken manifests in the first and last chunks, so findings cross the thread boundary too.
    for (const plugin of ["00001", "00299"])
      writeFileSync(path.join(dir, `plugins/bench-plugin-${plugin}/versions/1.0.1.json`), '{"metadata": {}}');
    const one = await loadRegistry(fsSource(dir), { workers: 1 });
    const two = await loadRegistry(fsSource(dir), { workers: 2, parallelThreshold: 1 });
    assert.deepEqual(two.findings, one.findings);
    assert.deepEqual(two.snapshot, one.snapshot);
    const slim = await loadRegistry(fsSource(dir), {
      workers: 2,
      parallelThreshold: 1,
      keepManifests: false,
    });
    assert.deepEqual(slim.findings, one.findings, "findings do not depend on keeping manifests");
    assert.ok(slim.snapshot?.plugins.every((p) => p.versions.length === 0));
    const broken = new Set(one.findings.filter((f) => f.code === "MANIFEST_INVALID").map((f) => f.file));
    assert.equal(broken.size, 2, "both broken manifests are reported");
    assert.equal(one.stats.manifests, 1200);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("worker threads started when plugins/ is listed: used for fewer manifests than the threshold, and stopped when the load fails", async () => {
  const started: Worker[] = [];
  // 120 plugins of one version: enough plugins to start workers early (at ten versions each
  // they would pass the threshold), fewer manifests than the threshold.
  await withWorkers(
    120,
    (worker) => started.push(worker),
    async (dir) => {
      const one = await loadRegistry(fsSource(dir), { workers: 1 });
      const early = await loadRegistry(fsSource(dir), { workers: 2, parallelThreshold: 1000 });
      assert.equal(started.length, 1, "a worker started as plugins/ was listed");
      assert.deepEqual(early.findings, one.findings);
      assert.deepEqual(early.snapshot, one.snapshot);
      // Fewer plugins than that: no worker at all.
      await loadRegistry(fsSource(dir), { workers: 2, parallelThreshold: 5000 });
      assert.equal(started.length, 1);
      // The load fails after the workers started (an entry cannot be read): they are stopped.
      const base = fsSource(dir);
      const failing = {
        ...base,
        readFile: async (rel: string) => {
          if (rel.endsWith("entry.json")) throw new Error("disk error");
          return base.readFile(rel);
        },
      };
      await assert.rejects(loadRegistry(failing, { workers: 2, parallelThreshold: 1000 }), /disk error/);
      assert.equal(started.length, 2);
      assert.ok(
        started.every((worker) => worker.threadId === -1),
        "every worker thread has exited",
      );
    },
  );
});

test("a worker's kept manifests cross as the bytes they were validated from, in one transferred buffer, and parse back to the same values", () => {
  const encoder = new TextEncoder();
  // Values a structured clone keeps but JSON.stringify would not: the bytes carry them exactly.
  const text = '{"metadata":{"name":"p","version":"1.0.0"},"big":1e999,"zero":-0,"s":"caf\u00e9 \\u202e"}';
  const parsed = JSON.parse(text);
  // The first file's bytes are a view in the middle of a larger buffer (as a pooled read gives).
  const pool = encoder.encode(`xxxx${text}yyyy`);
  const bytes = pool.subarray(4, 4 + encoder.encode(text).byteLength);
  const second = encoder.encode('{"metadata":{"name":"p","version":"1.1.0"}}');
  const result = {
    name: "p",
    versions: [
      { version: "1.0.0", file: "plugins/p/versions/1.0.0.json", sha256: "a", manifest: parsed, bytes },
      {
        version: "1.1.0",
        file: "plugins/p/versions/1.1.0.json",
        sha256: "b",
        manifest: JSON.parse(new TextDecoder().decode(second)),
        bytes: second,
      },
      // A kept manifest without bytes crosses as the object it is.
      { version: "1.2.0", file: "plugins/p/versions/1.2.0.json", sha256: "c", manifest: parsed },
    ],
    validVersions: ["1.0.0", "1.1.0", "1.2.0"],
    findings: [],
    manifests: 3,
    judged: 3,
  };
  const packed = packResults([result, { ...result, name: "q", versions: [] }]);
  const buffer = packed.bytes as SharedArrayBuffer;
  assert.ok(buffer instanceof SharedArrayBuffer, "shared memory: it crosses threads without a copy");
  // Only the two files' bytes, one after the other: not the larger buffer the first was a view of.
  assert.equal(buffer.byteLength, bytes.byteLength + second.byteLength);
  assert.deepEqual(packed.results[0]?.versions[0]?.span, [0, bytes.byteLength]);
  assert.equal(packed.results[0]?.versions[0]?.manifest, undefined);
  assert.equal(packed.results[0]?.versions[2]?.span, undefined);
  // Across a real message port, the buffer shared (the memory the sender wrote, not a clone of it).
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(packed);
  const received = receiveMessageOnPort(port2)?.message as PackedChunk;
  port1.close();
  new Uint8Array(buffer)[0] = 0x20;
  assert.equal(new Uint8Array(received.bytes as SharedArrayBuffer)[0], 0x20, "the same memory on both sides");
  new Uint8Array(buffer)[0] = bytes[0] as number;
  const back = unpackResults(received);
  assert.deepEqual(
    back[0]?.versions.map((v) => v.manifest),
    result.versions.map((v) => v.manifest),
  );
  assert.deepEqual(new Uint8Array(back[0]?.versions[0]?.bytes ?? []), bytes);
  assert.deepEqual(new Uint8Array(back[0]?.versions[1]?.bytes ?? []), second);
  assert.equal(back[0]?.versions[2]?.bytes, undefined);
  const first = back[0]?.versions[0]?.manifest as unknown as { big: number; zero: number };
  assert.equal(first.big, Number.POSITIVE_INFINITY);
  assert.ok(Object.is(first.zero, -0));
  assert.deepEqual(back[1], { ...result, name: "q", versions: [] });
  // Without a manifest kept, nothing crosses but the results.
  assert.equal(packResults([{ ...result, versions: [] }]).bytes, undefined);
});

test("entries read on a worker thread during the layout walk give the same findings and snapshot as one thread", async () => {
  // The walk of the last plugin folder waits until the worker has answered a batch of entries, so
  // the worker has read some whatever the speed of the machine.
  const firstAnswer = signal();
  let batchesRead = 0;
  const onWorker = (worker: Worker): void => {
    worker.on("message", (reply: { type?: string; entries?: unknown[] }) => {
      if (reply.type !== "entries" || !reply.entries) return;
      batchesRead++;
      firstAnswer.fire();
    });
  };
  await withWorkers(600, onWorker, async (dir) => {
    // A broken entry and a missing one, both in the first batch the worker is sent.
    writeFileSync(path.join(dir, "plugins/bench-plugin-00005/entry.json"), '{"name": ');
    unlinkSync(path.join(dir, "plugins/bench-plugin-00150/entry.json"));
    const one = await loadRegistry(fsSource(dir), { workers: 1 });
    const stalled = stalledAt(fsSource(dir), "plugins/bench-plugin-00599", firstAnswer.promise);
    const two = await loadRegistry(stalled, { workers: 2, parallelThreshold: 1000 });
    assert.ok(batchesRead >= 1, "the worker read at least one batch of entries");
    assert.deepEqual(two.findings, one.findings);
    assert.deepEqual(two.snapshot, one.snapshot);
    const codes = one.findings.map((f) => `${f.code} ${f.file}`);
    assert.ok(codes.includes("ENTRY_INVALID plugins/bench-plugin-00150/entry.json"), codes.join("\n"));
    assert.ok(
      codes.some((c) => c.endsWith("plugins/bench-plugin-00005/entry.json")),
      codes.join("\n"),
    );
  });
});

test("entries a worker thread reads during the layout walk are stamped as this thread's are", async () => {
  const firstAnswer = signal();
  const onWorker = (worker: Worker): void => {
    worker.on("message", (reply: { type?: string; entries?: unknown[] }) => {
      if (reply.type === "entries" && reply.entries) firstAnswer.fire();
    });
  };
  await withWorkers(600, onWorker, async (dir) => {
    // Past the stamps' margin, so every entry may be remembered.
    await sleep(Number(STAMP_MARGIN_NS / 1_000_000n) + 100);
    const stalled = stalledAt(fsSource(dir), "plugins/bench-plugin-00599", firstAnswer.promise);
    const loaded = await loadRegistry(stalled, {
      workers: 2,
      parallelThreshold: 1000,
      verdicts: { code: "code" },
      stamps: { previous: undefined },
    });
    const index = readStamps(new TextEncoder().encode(loaded.stamps?.text() ?? ""));
    const entries = [...index.keys()].filter((key) => key.endsWith("/entry.json"));
    assert.equal(entries.length, 600);
  });
});

test("a worker thread that fails while the layout is walked fails the load with its error (it does not hang)", {
  timeout: 30_000,
}, async () => {
  // The walk of the last plugin folder waits until the worker has failed, so it fails before
  // the pool is run.
  const failure = signal();
  await withWorkers(
    300,
    (worker) => worker.once("error", failure.fire),
    async (dir) => {
      // This thread reads the folder; the worker is told a repository that does not exist.
      const broken = {
        ...stalledAt(fsSource(dir), "plugins/bench-plugin-00299", failure.promise),
        location: {
          kind: "git" as const,
          repository: path.join(dir, "no-such-repository"),
          commit: "0".repeat(40),
          path: "",
        },
      };
      await assert.rejects(loadRegistry(broken, { workers: 2, parallelThreshold: 100 }), /git/i);
    },
  );
});

/**
 * Runs `body` on a synthetic registry of `plugins` plugins of one version, in a temporary folder,
 * with `onWorker` told of each worker thread started meanwhile.
 */
async function withWorkers(
  plugins: number,
  onWorker: (worker: Worker) => void,
  body: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "ffr-workers-"));
  const started = (message: unknown): void => onWorker((message as { worker: Worker }).worker);
  subscribe("worker_threads", started);
  try {
    writeSyntheticRegistry(dir, { plugins, versions: 1 });
    await body(dir);
  } finally {
    unsubscribe("worker_threads", started);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `source`, whose listing of `folder` waits for `until`: the layout walk of that plugin waits. */
function stalledAt(source: RegistrySource, folder: string, until: Promise<void>): RegistrySource {
  return {
    ...source,
    entries: async (rel) => {
      if (rel === folder) await until;
      return source.entries(rel);
    },
  };
}

/** A promise and what resolves it. */
function signal(): { promise: Promise<void>; fire: () => void } {
  let fire: () => void = () => {};
  const promise = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { promise, fire };
}
