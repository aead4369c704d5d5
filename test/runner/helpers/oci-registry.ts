/**
 * A loopback container registry implementing the read side of the OCI distribution API
 * (`GET /v2/`, manifests and blobs by digest, blob redirects to another path as registries do to
 * their CDNs), with real image manifests, indexes and gzip tar layers. With `bearer`, it asks for
 * tokens as ghcr.io and Docker Hub do for anonymous pulls: `/v2/` answers 401 with a Bearer
 * challenge naming its `/token` endpoint (or `bearer.realm`), which hands out a pull token per
 * repository (or `bearer.answer`, as it is). With `cdnHost`, blobs redirect to that host name (another
 * origin, the same server), as registries send them to their CDNs.
 */
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface OciRegistry {
  /** `127.0.0.1:<port>`, as an image reference's registry. */
  host: string;
  /** Every request path, in order. */
  requests: string[];
  /** Every request's path and Authorization header (empty when none), in order. */
  authorizations: [string, string][];
  /** Stored documents and blobs by digest; tests may replace the bytes served for one. */
  content: Map<string, { bytes: Uint8Array; type: string }>;
  /** Stores bytes in a repository as they are (any document, hostile ones too); returns their digest. */
  store(repository: string, bytes: Uint8Array, type: string): string;
  /** Stores an image (one manifest over these layers, optionally under an index); returns the reference's digest. */
  push(
    repository: string,
    layers: Uint8Array[],
    options?: { index?: { os: string; architecture: string }[] },
  ): string;
  close(): Promise<void>;
}

const digestOf = (bytes: Uint8Array) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

export async function startOciRegistry(
  options: { bearer?: { realm?: string; answer?: string }; cdnHost?: string } = {},
): Promise<OciRegistry> {
  const content = new Map<string, { bytes: Uint8Array; type: string }>();
  const repositories = new Map<string, Set<string>>();
  const requests: string[] = [];
  const authorizations: [string, string][] = [];
  const SERVICE = "loopback-registry";
  const store = (repository: string, bytes: Uint8Array, type: string) => {
    const digest = digestOf(bytes);
    content.set(digest, { bytes, type });
    repositories.set(repository, (repositories.get(repository) ?? new Set()).add(digest));
    return digest;
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    requests.push(path);
    authorizations.push([path, req.headers.authorization ?? ""]);
    const { bearer } = options;
    if (bearer && path === "/token") {
      const query = new URL(req.url ?? "/", "http://x").searchParams;
      const scope = /^repository:(.+):pull$/.exec(query.get("scope") ?? "");
      if (query.get("service") !== SERVICE || !scope) return void res.writeHead(400).end();
      res.writeHead(200, { "content-type": "application/json" });
      return void res.end(bearer.answer ?? JSON.stringify({ token: `pull:${scope[1]}`, expires_in: 300 }));
    }
    const wanted = /^\/v2\/(.+)\/(?:manifests|blobs)\//.exec(path)?.[1];
    if (bearer && path.startsWith("/v2/") && req.headers.authorization !== `Bearer pull:${wanted}`) {
      const realm = bearer.realm ?? `http://${req.headers.host}/token`;
      res.writeHead(401, {
        "content-type": "application/json",
        "www-authenticate": `Bearer realm="${realm}",service="${SERVICE}",scope="repository:${wanted ?? ""}:pull"`,
      });
      return void res.end(
        JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] }),
      );
    }
    if (path === "/v2/") return void res.writeHead(200, { "content-type": "application/json" }).end("{}");
    const cdn = /^\/cdn\/(sha256:[0-9a-f]{64})$/.exec(path);
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/(sha256:[0-9a-f]{64})$/.exec(path);
    if (m?.[2] === "blobs" && repositories.get(m[1] ?? "")?.has(m[3] ?? "")) {
      // To another origin (the same server under another host name) when `cdnHost` is given.
      const port = (server.address() as AddressInfo).port;
      const cdn = options.cdnHost ? `http://${options.cdnHost}:${port}/cdn/${m[3]}` : `/cdn/${m[3]}`;
      return void res.writeHead(307, { location: cdn }).end();
    }
    const digest = cdn?.[1] ?? (m && repositories.get(m[1] ?? "")?.has(m[3] ?? "") ? m[3] : undefined);
    const found = digest ? content.get(digest) : undefined;
    if (!found) {
      res.writeHead(404, { "content-type": "application/json" });
      return void res.end(JSON.stringify({ errors: [{ code: "MANIFEST_UNKNOWN", message: path }] }));
    }
    res.writeHead(200, { "content-type": found.type, "docker-content-digest": digest ?? "" });
    res.end(found.bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));
  return {
    host: `127.0.0.1:${port}`,
    requests,
    authorizations,
    content,
    store,
    push(repository, layers, options = {}) {
      const config = json({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [] } });
      const configDigest = store(repository, config, "application/vnd.oci.image.config.v1+json");
      const manifestType = "application/vnd.oci.image.manifest.v1+json";
      const manifest = json({
        schemaVersion: 2,
        mediaType: manifestType,
        config: {
          mediaType: "application/vnd.oci.image.config.v1+json",
          digest: configDigest,
          size: config.length,
        },
        layers: layers.map((layer) => ({
          mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
          digest: store(repository, layer, "application/octet-stream"),
          size: layer.byteLength,
        })),
      });
      const manifestDigest = store(repository, manifest, manifestType);
      if (!options.index) return manifestDigest;
      const indexType = "application/vnd.oci.image.index.v1+json";
      const index = json({
        schemaVersion: 2,
        mediaType: indexType,
        manifests: options.index.map((platform) => ({
          mediaType: manifestType,
          digest: manifestDigest,
          size: manifest.length,
          platform,
        })),
      });
      return store(repository, index, indexType);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
