/**
 * What the demo cost-source plugin answers, as pure functions of its rate card (the
 * `cost-source.json` packed beside it, derived from its registry manifest): its name, and whether
 * it supports a resource, by provider, resource type and region, the way FinFocus asks.
 */

/** The plugin's rate card: which resources it knows, per provider. */
export interface RateCard {
  name: string;
  version: string;
  description: string;
  providers: string[];
  resources: Record<string, { resource_types: string[]; regions?: string[] }>;
}

/** The part of finfocus.v1.ResourceDescriptor that Supports looks at. */
export interface ResourceDescriptor {
  provider?: string;
  resource_type?: string;
  sku?: string;
  region?: string;
}

/**
 * The service a resource type names: `ec2` as is, or the module of a Pulumi type token such as
 * `aws:ec2/instance:Instance` (what FinFocus passes for Pulumi resources).
 */
export function serviceOf(resourceType: string): string {
  const token = /^[a-z0-9-]+:([A-Za-z0-9-]+)\//.exec(resourceType);
  return (token?.[1] ?? resourceType).toLowerCase();
}

/** finfocus.v1.CostSourceService/Supports for `resource`. */
export function supports(
  card: RateCard,
  resource: ResourceDescriptor | null | undefined,
): { supported: boolean; reason: string } {
  const provider = resource?.provider ?? "";
  if (provider === "") return { supported: false, reason: "resource.provider is required" };
  if (!card.providers.includes(provider)) {
    return { supported: false, reason: `${card.name} prices ${card.providers.join(", ")}, not ${provider}` };
  }
  const known = card.resources[provider];
  const type = resource?.resource_type ?? "";
  if (type === "") return { supported: false, reason: "resource.resource_type is required" };
  if (known && !known.resource_types.includes(serviceOf(type))) {
    return {
      supported: false,
      reason: `${card.name} prices ${known.resource_types.join(", ")} on ${provider}, not ${type}`,
    };
  }
  const region = resource?.region ?? "";
  if (region !== "" && known?.regions && !known.regions.includes(region)) {
    return { supported: false, reason: `${card.name} has no rates for ${region}` };
  }
  return { supported: true, reason: "" };
}
