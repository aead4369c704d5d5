/**
 * A file's bytes given in pieces, in order (slices of buffers already in memory): hashed and
 * written one after the other, never joined into one buffer.
 */
export type Pieces = readonly Uint8Array[];

/**
 * One file of the build output. This list is the seam between rendering and writing: anything
 * that must see every published file with its hash (TUF targets metadata, later) takes the list
 * in and hands a longer one on, and the writer stays the only code that touches the disk.
 */
export interface Output {
  /** Relative to the output root, posix separators, no leading slash. */
  path: string;
  /**
   * sha256 (hex) of the bytes, when known without producing them (a manifest copied as merged):
   * the writer then skips producing unchanged files altogether. Bytes read lazily are checked
   * against it; bytes given as they are (not a function) with it are taken as having it, and not
   * hashed again: give both only for bytes hashed in this run (a manifest's bytes as validated).
   */
  sha256?: string;
  /**
   * A fingerprint of everything the bytes are made from (inputs and rendering code), when one is
   * cheaper than the bytes: an output whose key equals the previous build's is not produced.
   */
  key?: string;
  /**
   * The bytes (a string is UTF-8), or how to get them (read lazily: a copied manifest is read only
   * when written). Rendered documents stay strings: no buffer per file for the GC to track.
   */
  bytes: Uint8Array | string | (() => Promise<Uint8Array | string>);
  /**
   * The bytes from those the previous build wrote at this path (as its state records them: the
   * writer checks their sha256), when that costs less than `bytes`; undefined when they cannot be
   * made so (then `bytes` are). Must give exactly what `bytes` would.
   */
  update?: (previous: Uint8Array) => Promise<Uint8Array | string | Pieces | undefined>;
}

/**
 * Outputs that derive from one input key (a plugin's documents and manifests): the writer skips
 * the whole group, without producing or even listing its outputs, when the previous build wrote
 * it under the same key, and then keeps what it remembered of the group as it was.
 */
export interface OutputGroup {
  /** Names the group in the writer's state: unique among a build's groups; no tab or line break. */
  group: string;
  /**
   * A fingerprint of everything the group's outputs are made from, their paths and bytes (inputs
   * and rendering code): outputs not wholly covered by it (a file whose bytes it does not fix) do
   * not belong in the group. No tab or line break.
   */
  key: string;
  /** The group's outputs in order, listed only when the group must be compared or written. */
  outputs: () => Iterable<Output>;
}
