/**
 * The manifests the agreement test runs through `validate`, the gate and `install`: every case of
 * test/fixtures/manifests, the bundled registry, and generated variants of a valid manifest (weak
 * checksums, certificate chains, spec versions, trust levels, defaults, prerelease dependencies,
 * signatures). Each group is a registry folder as files; each case is one plugin in it.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { tarGz } from "../runner/helpers/archives.ts";
import type { OpenSSL } from "../signature/helpers/openssl.ts";

export type Files = Record<string, string | Uint8Array>;

/** A manifest under construction, edited field by field. */
// biome-ignore lint/suspicious/noExplicitAny: test data built and edited freely before it is serialized
type Loose = { [key: string]: any };

export interface Case {
  /** The plugin's name (its folder under plugins/). */
  name: string;
  version: string;
  /** What the case is, for messages. */
  label: string;
  /**
   * Set for installs this runner leaves to the user's consent or to other tools (a `script`
   * install needs --allow-scripts; a container image or a system package is another tool's): the
   * code the runner answers with even when the gate accepts the release.
   */
  outOfScope?: "PERMISSIONS_ERROR" | "UNSUPPORTED_INSTALLATION_METHOD";
}

/** The out-of-scope code for a manifest's installation method (see Case.outOfScope). */
export function scopeOf(bytes: Uint8Array): Pick<Case, "outOfScope"> {
  try {
    const install = JSON.parse(Buffer.from(bytes).toString("utf8"))?.installation;
    if (install?.installation_method === "script") return { outOfScope: "PERMISSIONS_ERROR" };
    if (install?.installation_method === "container")
      return { outOfScope: "UNSUPPORTED_INSTALLATION_METHOD" };
    if (install?.installation_method === "package" && !/^https?:\/\//.test(install.download_url ?? ""))
      return { outOfScope: "UNSUPPORTED_INSTALLATION_METHOD" };
  } catch {}
  return {};
}

export interface Group {
  label: string;
  /** Files of the registry before the pull request (config.json, dependencies). */
  base: Files;
  /** The files the pull request adds: the cases' plugins. */
  pr: Files;
  cases: Case[];
  /** The artifact server's routes this group needs, by path. */
  artifacts: Map<string, Uint8Array>;
  /** A folder of artifacts by file name (the bundled registry's committed archives). */
  mirror?: string;
}

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const FIXTURES = join(ROOT, "test/fixtures/manifests");
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
export const MAINTAINER = { github_id: 9, login: "maint" };
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

function config(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "Agreement registry",
    base_url: "https://registry.example.test",
    spec_version: "0.1.0",
    maintainers: [MAINTAINER],
    allow_loopback_http: true,
    ...extra,
  };
}

function entry(name: string, extra: Record<string, unknown> = {}): string {
  return json({ name, owners: [MAINTAINER], repository: `acme/${name}`, ...extra });
}

function archive(name: string, version: string): Uint8Array {
  return tarGz([
    { path: `finfocus-plugin-${name}`, data: `#!/bin/sh\necho ${name} ${version}\n`, mode: 0o755 },
    { path: "LICENSE", data: "Apache-2.0\n" },
  ]);
}

/**
 * A fixture manifest moved into a registry folder: its name replaced by the case's (a byte-level
 * replacement, so JSON-level faults stay as they are), and, when its artifact fields are not what
 * the fixture is about (an https URL and a sha256 checksum of the right form), pointed at a real
 * archive on the loopback artifact server so the gate and the runner can verify it.
 */
function transplant(
  bytes: Uint8Array,
  from: string,
  to: string,
  artifacts: Map<string, Uint8Array>,
  server: string,
) {
  const text = Buffer.from(bytes).toString("latin1");
  let out = Buffer.from(text.replaceAll(`"${from}"`, `"${to}"`), "latin1");
  let value: Record<string, Record<string, unknown>> | undefined;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(out));
  } catch {
    return new Uint8Array(out);
  }
  const install = value?.installation;
  const version = (value?.metadata?.version as string | undefined) ?? "0.0.0";
  if (
    install &&
    typeof install.download_url === "string" &&
    /^https:\/\/[a-z0-9.-]+\//.test(install.download_url) &&
    typeof install.checksum === "string" &&
    /^[0-9a-f]{64}$/.test(install.checksum) &&
    (install.checksum_algorithm ?? "sha256") === "sha256" &&
    !install.download_url.includes("@")
  ) {
    const bytes = archive(to, version);
    const path = `/a/${to}-${version}.tar.gz`;
    artifacts.set(path, bytes);
    const replaced = out
      .toString("utf8")
      .replace(JSON.stringify(install.download_url), JSON.stringify(`${server}${path}`))
      .replace(JSON.stringify(install.checksum), JSON.stringify(sha256(bytes)));
    out = Buffer.from(replaced, "utf8");
  }
  return new Uint8Array(out);
}

function listTree(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop()!;
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) stack.push(p);
      else out.push(relative(dir, p));
    }
  }
  return out;
}

/** Lone fixture manifests, one plugin each, in one registry. */
export function loneFixtures(server: string): Group {
  const group: Group = {
    label: "fixtures (lone manifests)",
    base: {},
    pr: {},
    cases: [],
    artifacts: new Map(),
  };
  group.base["registry/config.json"] = json(config());
  for (const fixture of readdirSync(FIXTURES).sort()) {
    const spec = JSON.parse(readFileSync(join(FIXTURES, fixture, "case.json"), "utf8")) as { file: string };
    if (spec.file.startsWith("registry/")) continue;
    const bytes = readFileSync(join(FIXTURES, fixture, spec.file));
    const name = fixture.slice(0, 50).replace(/-+$/, "");
    const version =
      /"version":\s*"(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)"/.exec(bytes.toString("latin1"))?.[1] ?? "1.2.0";
    const safeVersion = version.length > 40 ? "1.2.0" : version;
    group.pr[`registry/plugins/${name}/entry.json`] = entry(name);
    const moved = transplant(bytes, "acme-cost", name, group.artifacts, server);
    group.pr[`registry/plugins/${name}/versions/${safeVersion}.json`] = moved;
    group.cases.push({ name, version: safeVersion, label: `fixture ${fixture}`, ...scopeOf(moved) });
  }
  return group;
}

/** Each registry fixture as its own registry: its other plugins in the base, the case's plugin in the PR. */
export function registryFixtures(server: string): Group[] {
  const groups: Group[] = [];
  for (const fixture of readdirSync(FIXTURES).sort()) {
    const spec = JSON.parse(readFileSync(join(FIXTURES, fixture, "case.json"), "utf8")) as { file: string };
    if (!spec.file.startsWith("registry/")) continue;
    const group: Group = { label: `fixture ${fixture}`, base: {}, pr: {}, cases: [], artifacts: new Map() };
    const dir = join(FIXTURES, fixture, "registry");
    const [, , name = "", , file = ""] = spec.file.split("/");
    for (const rel of listTree(dir)) {
      let bytes: Uint8Array = readFileSync(join(dir, rel));
      if (rel === "config.json") {
        const c = JSON.parse(Buffer.from(bytes).toString("utf8"));
        // Loopback artifacts need loopback http, except where refusing it is the point.
        if (fixture !== "rule-loopback-http-refused") c.allow_loopback_http = true;
        c.maintainers = [...(c.maintainers ?? []), MAINTAINER];
        bytes = Buffer.from(json(c));
      } else if (rel.endsWith(".json") && !rel.endsWith("entry.json")) {
        const plugin = rel.split("/")[1] ?? "";
        if (fixture !== "rule-loopback-http-refused")
          bytes = transplant(bytes, plugin, plugin, group.artifacts, server);
      }
      const target = rel.startsWith(`plugins/${name}/`) ? group.pr : group.base;
      target[`registry/${rel}`] = bytes;
    }
    const own = group.pr[`registry/${spec.file.slice("registry/".length)}`];
    group.cases.push({
      name,
      version: file.replace(/\.json$/, ""),
      label: `fixture ${fixture}`,
      ...(own instanceof Uint8Array ? scopeOf(own) : {}),
    });
    groups.push(group);
  }
  return groups;
}

/** The bundled registry (registry/), every plugin a case, its archives from demo/artifacts. */
export function bundledRegistry(): Group {
  const dir = join(ROOT, "registry");
  const group: Group = {
    label: "the bundled registry",
    base: {},
    pr: {},
    cases: [],
    artifacts: new Map(),
    mirror: join(ROOT, "demo/artifacts"),
  };
  for (const rel of listTree(dir)) {
    let bytes: Uint8Array = readFileSync(join(dir, rel));
    if (rel === "config.json") {
      // The pull request that adds every plugin is a maintainer's.
      const c = JSON.parse(Buffer.from(bytes).toString("utf8"));
      c.maintainers = [...c.maintainers, MAINTAINER];
      bytes = Buffer.from(json(c));
    }
    if (rel.startsWith("plugins/")) group.pr[`registry/${rel}`] = bytes;
    else group.base[`registry/${rel}`] = bytes;
  }
  for (const name of readdirSync(join(dir, "plugins")).sort()) {
    for (const file of readdirSync(join(dir, "plugins", name, "versions"))) {
      if (file.endsWith(".json") && !file.endsWith(".sigstore.json")) {
        group.cases.push({
          name,
          version: file.slice(0, -5),
          label: `registry/plugins/${name}@${file.slice(0, -5)}`,
          ...scopeOf(readFileSync(join(dir, "plugins", name, "versions", file))),
        });
      }
    }
  }
  return group;
}

/** Variants of one valid manifest, each aimed at a rule the gate and the runner once disagreed on. */
export function variants(server: string, ssl: OpenSSL): Group {
  const author = ssl.key("p256");
  const official = ssl.key("p256");
  const stranger = ssl.key("p256");
  const caKey = ssl.key("p256");
  const ca = ssl.ca(caKey, "Agreement CA");
  const otherCaKey = ssl.key("p256");
  const otherCa = ssl.ca(otherCaKey, "Unknown CA");
  const group: Group = { label: "generated variants", base: {}, pr: {}, cases: [], artifacts: new Map() };
  group.base["registry/config.json"] = json(
    config({ official_signers: { keys: [official.publicKey] }, trusted_cas: [ca] }),
  );
  // A dependency whose only version is a prerelease.
  group.base["registry/plugins/beta-only/entry.json"] = entry("beta-only");
  group.base["registry/plugins/beta-only/versions/1.1.0-beta.1.json"] = manifest("beta-only", "1.1.0-beta.1");

  function manifest(
    name: string,
    version: string,
    edit: (m: Loose, artifact: Uint8Array) => void = () => {},
  ) {
    const bytes = archive(name, version);
    const path = `/a/${name}-${version}.tar.gz`;
    group.artifacts.set(path, bytes);
    const m: Loose = {
      metadata: { name, version, description: `The ${name} plugin for FinFocus.`, author: "Acme" },
      specification: {
        spec_version: "0.1.0",
        supported_providers: ["aws"],
        service_definition: {
          service_name: "CostSourceService",
          package_name: "finfocus.v1",
          methods: ["GetActualCost"],
        },
      },
      security: { security_level: "community" },
      installation: {
        installation_method: "binary",
        download_url: `${server}${path}`,
        checksum: sha256(bytes),
        checksum_algorithm: "sha256",
      },
    };
    edit(m, bytes);
    return json(m);
  }
  const add = (
    name: string,
    label: string,
    edit?: Parameters<typeof manifest>[2],
    extra: Record<string, unknown> = {},
  ) => {
    group.pr[`registry/plugins/${name}/entry.json`] = entry(name, extra);
    const text = manifest(name, "1.0.0", edit);
    group.pr[`registry/plugins/${name}/versions/1.0.0.json`] = text;
    group.cases.push({ name, version: "1.0.0", label, ...scopeOf(Buffer.from(text)) });
  };
  const keyed = (key: typeof author, level: string, chain?: string[]) => (m: Loose, bytes: Uint8Array) => {
    m.security = {
      security_level: level,
      signature: ssl.sign(key, bytes),
      public_key: key.publicKey,
      ...(chain ? { certificate_chain: chain } : {}),
    };
  };
  add("v-plain", "a valid community plugin");
  add("v-untrusted", "an untrusted plugin", (m) => {
    m.security.security_level = "untrusted";
  });
  add("v-md5", "an md5 checksum (gate refused nothing, runner refused everything)", (m, bytes) => {
    m.installation.checksum = createHash("md5").update(bytes).digest("hex");
    m.installation.checksum_algorithm = "md5";
  });
  add("v-bad-checksum", "a checksum of other bytes", (m) => {
    m.installation.checksum = sha256(Buffer.from("other bytes"));
  });
  add("v-spec-old", "written for a spec the registry's breaks (0.x minor)", (m) => {
    m.specification.spec_version = "0.0.9";
  });
  add("v-spec-max", "a declared max_spec_version below the registry's", (m) => {
    m.specification.spec_version = "0.0.9";
    m.requirements = { min_spec_version: "0.0.9", max_spec_version: "0.0.9" };
  });
  add("v-default-config", "default_config leaving out a required field", (m) => {
    m.configuration = {
      schema: JSON.stringify({
        type: "object",
        properties: { region: { type: "string" }, api_token: { type: "string" } },
        required: ["region", "api_token"],
      }),
      default_config: JSON.stringify({ region: "eu-west-1" }),
      required_fields: ["api_token"],
    };
  });
  add("v-prerelease-dep", "a dependency only a prerelease satisfies", (m) => {
    m.requirements = { dependencies: [{ name: "beta-only", version_constraint: "^1.0.0" }] };
  });
  add("v-invisible", "a bidi override in the description", (m) => {
    m.metadata.description = "Costs \u202eevil\u202c for FinFocus.";
  });
  add("v-verified", "verified, keyed signature by the pinned key", keyed(author, "verified"), {
    signers: { keys: [author.publicKey] },
  });
  add("v-unpinned", "verified, signed by a key nobody pinned", keyed(stranger, "verified"), {
    signers: { keys: [author.publicKey] },
  });
  const leaf = ssl.issue(author, "Acme signing", { key: caKey, cert: ca });
  add(
    "v-cert-chain",
    "a certificate_chain to the registry's trusted CA",
    keyed(author, "verified", [leaf, ca]),
    {
      signers: { keys: [author.publicKey] },
    },
  );
  const foreign = ssl.issue(author, "Acme signing", { key: otherCaKey, cert: otherCa });
  add(
    "v-cert-foreign",
    "a certificate_chain to a CA the registry does not trust",
    keyed(author, "verified", [foreign, otherCa]),
    {
      signers: { keys: [author.publicKey] },
    },
  );
  add("v-official", "official, signed by an official signer", keyed(official, "official"));
  add("v-official-wrong", "official, signed by the plugin's pinned key only", keyed(author, "official"), {
    signers: { keys: [author.publicKey] },
  });
  add("v-container", "a container image pinned by digest", (m) => {
    m.installation = {
      installation_method: "container",
      download_url: `ghcr.io/acme/cost@sha256:${"a".repeat(64)}`,
    };
  });
  add("v-container-tag", "a container image by tag", (m) => {
    m.installation = { installation_method: "container", download_url: "ghcr.io/acme/cost:1.0.0" };
  });
  return group;
}
