/** Registry files for the black-box tests, built as real JSON files in a temporary git repo. */
import type { Repo } from "./harness.ts";

export const ALICE = { github_id: 1001, login: "alice" };
export const MALLORY = { github_id: 2002, login: "mallory" };
export const MAINT = { github_id: 9, login: "maint" };

const j = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export function configJson(extra: Record<string, unknown> = {}): string {
  return j({
    name: "Test registry",
    base_url: "https://registry.example.test",
    spec_version: "0.1.0",
    maintainers: [MAINT],
    allow_loopback_http: true,
    ...extra,
  });
}

export function entryJson(name: string, owners = [ALICE], extra: Record<string, unknown> = {}): string {
  return j({ name, owners, repository: `acme/${name}`, ...extra });
}

export interface ManifestOptions {
  url?: string;
  checksum?: string;
  security?: Record<string, unknown>;
  method?: string;
  dependencies?: { name: string; version_constraint: string }[];
}

export function manifestJson(name: string, version: string, o: ManifestOptions = {}): string {
  return j({
    metadata: {
      name,
      version,
      description: `The ${name} plugin for FinFocus.`,
      author: "Acme",
      license: "Apache-2.0",
    },
    specification: {
      spec_version: "0.1.0",
      supported_providers: ["aws"],
      service_definition: {
        service_name: "CostSourceService",
        package_name: "finfocus.v1",
        methods: ["GetActualCost"],
      },
    },
    security: { security_level: "community", ...o.security },
    installation: {
      installation_method: o.method ?? "binary",
      ...(o.url ? { download_url: o.url } : {}),
      ...(o.checksum ? { checksum: o.checksum, checksum_algorithm: "sha256" } : {}),
    },
    ...(o.dependencies ? { requirements: { dependencies: o.dependencies } } : {}),
  });
}

/** A base registry with one plugin, `cost-aws` 1.0.0, owned by alice. */
export function baseRegistry(artifactUrl: string, checksum: string, extra: Record<string, string> = {}) {
  return {
    "registry/config.json": configJson(),
    "registry/plugins/cost-aws/entry.json": entryJson("cost-aws"),
    "registry/plugins/cost-aws/versions/1.0.0.json": manifestJson("cost-aws", "1.0.0", {
      url: artifactUrl,
      checksum,
    }),
    ".github/workflows/validate.yml": "name: validate\n",
    ...extra,
  };
}

/** A pull_request payload; title and branch are attacker-controlled text. */
export function prEvent(
  repo: Repo,
  author = ALICE,
  options: { title?: string; branch?: string; fork?: boolean; number?: number } = {},
) {
  return {
    action: "synchronize",
    number: options.number ?? 7,
    pull_request: {
      number: options.number ?? 7,
      title: options.title ?? "Add cost-aws 1.1.0",
      user: { id: author.github_id, login: author.login },
      base: { sha: repo.baseSha, ref: "main", repo: { full_name: "acme/registry" } },
      head: {
        sha: repo.headSha,
        ref: options.branch ?? "add-version",
        // As GitHub sends it: the head repository with its owner (for a fork, the author's own).
        repo: {
          full_name: options.fork ? `${author.login}/registry` : "acme/registry",
          owner: options.fork ? { id: author.github_id, login: author.login } : { id: 1, login: "acme" },
        },
      },
    },
  };
}
