import { createHash, timingSafeEqual } from "node:crypto";
import type { Finding } from "../findings.types.ts";
import type { ChecksumAlgorithm } from "../manifest.types.ts";

/** Hex digest lengths per algorithm: a checksum of another length can never match. */
export const DIGEST_HEX_LENGTH: Readonly<Record<ChecksumAlgorithm, number>> = {
  sha256: 64,
  sha512: 128,
  md5: 32,
};

const ALGORITHMS = Object.keys(DIGEST_HEX_LENGTH) as ChecksumAlgorithm[];

/** True for the algorithms a manifest may name. */
export function isChecksumAlgorithm(value: string): value is ChecksumAlgorithm {
  return (ALGORITHMS as string[]).includes(value);
}

/** Lower-case hex digest of bytes. */
export function hashBytes(bytes: Uint8Array, algorithm: ChecksumAlgorithm): string {
  return createHash(algorithm).update(bytes).digest("hex");
}

/**
 * Lower-case hex digest of a stream (a file read with `createReadStream`, a download body), so
 * large artifacts are never held in memory only to be hashed.
 */
export async function hashStream(
  stream: AsyncIterable<Uint8Array | string>,
  algorithm: ChecksumAlgorithm,
): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest("hex");
}

/**
 * Compares two hex digests case-insensitively in constant time (for equal lengths). Anything that
 * is not hex of the same length is simply unequal.
 */
export function digestsEqual(expected: string, actual: string): boolean {
  const a = expected.trim().toLowerCase();
  const b = actual.trim().toLowerCase();
  if (a.length !== b.length || a.length === 0 || !/^[0-9a-f]+$/.test(a) || !/^[0-9a-f]+$/.test(b))
    return false;
  return timingSafeEqual(Buffer.from(a, "hex"), Buffer.from(b, "hex"));
}

/** `ALGO:HEX` (as the CLI's `--checksum` takes it) split and checked; undefined when malformed. */
export function parseChecksum(text: string): { algorithm: ChecksumAlgorithm; hex: string } | undefined {
  const match = /^([a-z0-9]+):([0-9a-fA-F]+)$/.exec(text.trim());
  if (!match) return undefined;
  const [, algorithm = "", hex = ""] = match;
  if (!isChecksumAlgorithm(algorithm) || hex.length !== DIGEST_HEX_LENGTH[algorithm]) return undefined;
  return { algorithm, hex: hex.toLowerCase() };
}

export interface ChecksumCheck {
  /** The artifact's bytes, or its digest when it was hashed while streaming. */
  artifact: Uint8Array | { digest: string };
  /** The manifest's `installation.checksum`. */
  expected: string;
  algorithm: ChecksumAlgorithm;
  /** Where the expected checksum came from, for the finding. */
  file: string;
  pointer?: string;
}

/**
 * Checks an artifact against a manifest checksum. Returns `CHECKSUM_MISMATCH` (naming expected
 * and actual digests) or no findings. Format problems of the checksum itself are the manifest
 * rules' job (`CHECKSUM_FORMAT`); here a malformed checksum simply does not match.
 */
export function checkChecksum(check: ChecksumCheck): Finding[] {
  const actual =
    check.artifact instanceof Uint8Array ? hashBytes(check.artifact, check.algorithm) : check.artifact.digest;
  if (digestsEqual(check.expected, actual)) return [];
  return [
    {
      code: "CHECKSUM_MISMATCH",
      severity: "error",
      message:
        `The artifact's ${check.algorithm} is ${actual.toLowerCase()}, but the manifest says ` +
        `${check.expected.trim().toLowerCase()}: the artifact is not the one that was published.`,
      file: check.file,
      pointer: check.pointer ?? "/installation/checksum",
    },
  ];
}
