/** The plugin manifest of the FinFocus Plugin Registry Specification v0.1.0 (schemas/plugin-manifest.schema.json). */
export type Provider = "aws" | "azure" | "gcp" | "kubernetes" | "custom";
export type SecurityLevel = "untrusted" | "community" | "verified" | "official";
export type InstallationMethod = "binary" | "container" | "script" | "package";
export type ChecksumAlgorithm = "sha256" | "sha512" | "md5";
export type Permission =
  | "network_access"
  | "filesystem_read"
  | "filesystem_write"
  | "environment_read"
  | "process_spawn"
  | "system_info"
  | "temp_files"
  | "config_read"
  | "metrics_collect";

export interface Dependency {
  name: string;
  version_constraint: string;
  optional?: boolean;
}

export interface Manifest {
  metadata: {
    name: string;
    version: string;
    description: string;
    author: string;
    homepage?: string;
    repository?: string;
    license?: string;
    keywords?: string[];
    created_at?: string;
    updated_at?: string;
  };
  specification: {
    spec_version: string;
    supported_providers: Provider[];
    supported_resources?: Partial<
      Record<Provider, { resource_types: string[]; billing_modes?: string[]; regions?: string[] }>
    >;
    capabilities?: string[];
    service_definition: {
      service_name: string;
      package_name: string;
      methods: string[];
      port?: number;
      health_check_path?: string;
    };
    observability_support?: Record<string, boolean>;
  };
  security?: {
    signature?: string;
    public_key?: string;
    certificate_chain?: string[];
    security_level?: SecurityLevel;
    permissions?: Permission[];
    sandbox_required?: boolean;
  };
  installation: {
    installation_method: InstallationMethod;
    download_url?: string;
    checksum?: string;
    checksum_algorithm?: ChecksumAlgorithm;
    install_script?: string;
    pre_install_checks?: string[];
    post_install_steps?: string[];
  };
  configuration?: {
    schema?: string;
    default_config?: string;
    required_fields?: string[];
    examples?: { name: string; description: string; config: string }[];
  };
  requirements?: {
    min_spec_version?: string;
    max_spec_version?: string;
    dependencies?: Dependency[];
    system_requirements?: {
      min_memory_mb?: number;
      min_disk_mb?: number;
      supported_architectures?: string[];
      supported_os?: string[];
    };
    runtime_requirements?: {
      grpc_version?: string;
      tls_required?: boolean;
      auth_methods?: string[];
      timeout_seconds?: number;
    };
  };
}

/** Trust levels in ascending order. */
export const SECURITY_LEVELS: readonly SecurityLevel[] = ["untrusted", "community", "verified", "official"];

/** Every permission a manifest may ask for. */
export const PERMISSIONS: readonly Permission[] = [
  "network_access",
  "filesystem_read",
  "filesystem_write",
  "environment_read",
  "process_spawn",
  "system_info",
  "temp_files",
  "config_read",
  "metrics_collect",
];
