/** See cache-folder.js: the folder `name` of finfocus-registry's caches, or undefined for none. */
export function cacheFolder(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
): string | undefined;
