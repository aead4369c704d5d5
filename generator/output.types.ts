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
   * the writer then skips producing unchanged files altogether.
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
}
