/**
 * Encoding of the responses that list plugins (DiscoverPlugins, ListInstalledPlugins): each
 * `PluginInfo` is encoded once and its bytes reused while it stays the same, so 100 clients asking
 * for the same 100 plugins do not encode the same messages 100 times. The bytes are those of the
 * plain serializer (proto-loader's protobufjs): each entry of `repeated PluginInfo plugins = 1` is
 * the encoding of a response holding that entry alone, and protobufjs writes fields in number
 * order, so the entries followed by the rest of the response are what it writes for the whole.
 */
import type * as grpc from "@grpc/grpc-js";

type Message = { plugins?: readonly object[] } & Record<string, unknown>;

/** Entries kept by their text (fresh objects each call); dropped all at once past this many. */
const MAX_BY_TEXT = 50_000;

/** `method`'s response serializer, with each listed plugin's bytes reused (see the module comment). */
export function reusingPluginBytes(
  method: grpc.MethodDefinition<unknown, unknown>,
): (value: Message) => Buffer {
  const plain = method.responseSerialize as (value: Message) => Buffer;
  // Frozen entries (the install state's snapshot) by identity; fresh ones by their JSON text.
  const byObject = new WeakMap<object, Buffer>();
  let byText = new Map<string, Buffer>();
  const entry = (plugin: object): Buffer => {
    const frozen = Object.isFrozen(plugin);
    const text = frozen ? undefined : JSON.stringify(plugin);
    let bytes = frozen ? byObject.get(plugin) : byText.get(text as string);
    if (bytes) return bytes;
    bytes = plain({ plugins: [plugin] });
    if (frozen) byObject.set(plugin, bytes);
    else {
      if (byText.size >= MAX_BY_TEXT) byText = new Map();
      byText.set(text as string, bytes);
    }
    return bytes;
  };
  return (value) => {
    const plugins = value.plugins ?? [];
    if (plugins.length === 0) return plain(value);
    return Buffer.concat([...plugins.map(entry), plain({ ...value, plugins: [] })]);
  };
}
