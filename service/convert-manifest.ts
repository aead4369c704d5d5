/**
 * A manifest (the JSON document) as the proto's PluginManifest message and back. Pure shape
 * changes: enum names, JSON text for configuration documents, RFC 3339 times as Timestamps, and
 * proto3's empty defaults for absent fields (and absent again on the way back).
 */
import type { Manifest } from "../core/manifest.types.ts";

type Json = Record<string, unknown>;

/** google.protobuf.Timestamp of an RFC 3339 time; undefined for none or an unreadable one. */
export function timestamp(time: string | number | undefined): { seconds: number; nanos: number } | undefined {
  if (time === undefined) return undefined;
  const ms = typeof time === "number" ? time : Date.parse(time);
  if (!Number.isFinite(ms)) return undefined;
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}

function iso(value: unknown): string | undefined {
  const t = value as { seconds?: number | string; nanos?: number } | null | undefined;
  if (!t || t.seconds === undefined) return undefined;
  return new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6))
    .toISOString()
    .replace(".000Z", "Z");
}

/** `aws` ↔ `SECURITY_LEVEL_…`-style enum names. */
export const enumName = (prefix: string, value: string | undefined): string =>
  value ? `${prefix}_${value.toUpperCase()}` : `${prefix}_UNSPECIFIED`;

const fromEnum = (prefix: string, value: unknown): string | undefined =>
  typeof value === "string" && value.startsWith(`${prefix}_`) && !value.endsWith("_UNSPECIFIED")
    ? value.slice(prefix.length + 1).toLowerCase()
    : undefined;

const text = (value: unknown): string =>
  value === undefined || value === null ? "" : typeof value === "string" ? value : JSON.stringify(value);

/** The manifest as a PluginManifest message object. */
export function manifestToProto(m: Manifest): Json {
  const spec = m.specification;
  return {
    metadata: {
      ...m.metadata,
      keywords: m.metadata.keywords ?? [],
      created_at: timestamp(m.metadata.created_at),
      updated_at: timestamp(m.metadata.updated_at),
    },
    specification: {
      spec_version: spec.spec_version,
      supported_providers: spec.supported_providers ?? [],
      supported_resources: Object.fromEntries(
        Object.entries(spec.supported_resources ?? {}).map(([k, r]) => [
          k,
          {
            resource_types: r?.resource_types ?? [],
            billing_modes: r?.billing_modes ?? [],
            regions: r?.regions ?? [],
          },
        ]),
      ),
      capabilities: spec.capabilities ?? [],
      service_definition: spec.service_definition,
      observability_support: spec.observability_support ?? {},
    },
    security: {
      ...m.security,
      certificate_chain: m.security?.certificate_chain ?? [],
      permissions: m.security?.permissions ?? [],
      security_level: enumName("SECURITY_LEVEL", m.security?.security_level),
    },
    installation: {
      ...m.installation,
      installation_method: enumName("INSTALLATION_METHOD", m.installation.installation_method),
    },
    configuration: {
      schema: text(m.configuration?.schema),
      default_config: text(m.configuration?.default_config),
      required_fields: m.configuration?.required_fields ?? [],
      examples: (m.configuration?.examples ?? []).map((e) => ({ ...e, config: text(e.config) })),
    },
  };
}

/** Copies the fields that are set (not proto3's "" / 0 / [] / false defaults). */
function present(object: unknown, keep: (key: string, value: unknown) => boolean = () => true): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries((object ?? {}) as Json)) {
    if (v === "" || v === 0 || v === null || v === undefined || (Array.isArray(v) && v.length === 0))
      continue;
    if (keep(k, v)) out[k] = v;
  }
  return out;
}

/** A PluginManifest message object as the manifest JSON it describes (for validation). */
export function manifestFromProto(p: Json): Json {
  const metadata = p.metadata as Json | undefined;
  const spec = (p.specification ?? {}) as Json;
  const security = p.security as Json | undefined;
  const installation = (p.installation ?? {}) as Json;
  const configuration = p.configuration as Json | undefined;
  const out: Json = {
    metadata: {
      ...present(metadata, (k) => k !== "created_at" && k !== "updated_at"),
      ...(iso(metadata?.created_at) ? { created_at: iso(metadata?.created_at) } : {}),
      ...(iso(metadata?.updated_at) ? { updated_at: iso(metadata?.updated_at) } : {}),
    },
    specification: {
      ...present(
        spec,
        (k) => !["supported_resources", "service_definition", "observability_support"].includes(k),
      ),
      ...(Object.keys((spec.supported_resources ?? {}) as Json).length
        ? {
            supported_resources: Object.fromEntries(
              Object.entries(spec.supported_resources as Json).map(([k, r]) => [k, present(r)]),
            ),
          }
        : {}),
      ...(spec.service_definition ? { service_definition: present(spec.service_definition) } : {}),
      ...(spec.observability_support ? { observability_support: spec.observability_support } : {}),
    },
    installation: {
      ...present(installation, (k) => k !== "installation_method"),
      ...(fromEnum("INSTALLATION_METHOD", installation.installation_method)
        ? { installation_method: fromEnum("INSTALLATION_METHOD", installation.installation_method) }
        : {}),
    },
  };
  if (security) {
    const level = fromEnum("SECURITY_LEVEL", security.security_level);
    out.security = {
      ...present(security, (k) => k !== "security_level"),
      ...(level ? { security_level: level } : {}),
      ...(security.sandbox_required === true ? { sandbox_required: true } : {}),
    };
  }
  if (configuration && Object.keys(present(configuration)).length > 0) {
    out.configuration = {
      ...present(configuration, (k) => k !== "examples"),
      ...(Array.isArray(configuration.examples) && configuration.examples.length
        ? { examples: configuration.examples.map((e) => present(e)) }
        : {}),
    };
  }
  return out;
}
