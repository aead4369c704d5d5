import { resolvedHttpUrl } from "../../core/url-policy.ts";
import { RunnerError } from "../errors.ts";

/** Longest part of a registry's text a refusal repeats. */
const SHOWN = 200;

/**
 * The absolute URL a registry's document gives in `field` (`reference`, resolved against `base`),
 * or REGISTRY_DOCUMENT_INVALID naming the document and the field when it names no http(s) URL
 * (core/url-policy.ts `resolvedHttpUrl`). A registry is untrusted: what it writes there must end
 * in a refusal, never in an exception of the URL parser.
 */
export function documentUrl(reference: string, base: string, document: string, field: string): string {
  const url = resolvedHttpUrl(reference, base);
  if (url !== undefined) return url;
  const shown = reference.length > SHOWN ? `${reference.slice(0, SHOWN)}…` : reference;
  throw new RunnerError(
    "REGISTRY_DOCUMENT_INVALID",
    `${document} gives ${field} ${JSON.stringify(shown)}, which names no http(s) URL: the registry's documents are broken; tell its maintainers`,
    { url: document, field },
  );
}
