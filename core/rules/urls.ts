import type { Finding } from "../findings.types.ts";
import { urlProblem } from "../url-policy.ts";
import { finding } from "./finding.ts";
import type { Rule } from "./rule.types.ts";

/** Every URL a client or a person may follow is https (no javascript:, no credentials). */
export const urls: Rule = (ctx) => {
  const out: Finding[] = [];
  const allowLoopbackHttp = ctx.allowLoopbackHttp ?? ctx.config?.allow_loopback_http === true;
  const { metadata, installation } = ctx.manifest;
  const candidates: [string, string | undefined][] = [
    ["/metadata/homepage", metadata.homepage],
    ["/metadata/repository", metadata.repository],
  ];
  // A container install may name an OCI image reference instead of a URL: only URLs are checked.
  const isImageReference =
    installation.installation_method === "container" && !installation.download_url?.includes("://");
  if (!isImageReference) candidates.push(["/installation/download_url", installation.download_url]);
  for (const [pointer, url] of candidates) {
    if (url === undefined) continue;
    const problem = urlProblem(url, { allowLoopbackHttp });
    if (problem) out.push(finding(ctx, "INSECURE_URL", pointer, `the URL ${problem}`));
  }
  return out;
};
