import type { BodyWriter } from '../http/pooled-body.js';
import type { Links } from './hal.js';

/** Serializers compiled from the collection's response schema: its `_links` and one item. */
export interface CollectionSerializers<T> {
  readonly links: (links: Links) => string;
  readonly item: (item: T) => string;
}

/**
 * Writes a PingOne collection, `{_links, _embedded: {<key>: [...]}, size, count?}`, the bytes
 * the compiled serializer of `collectionSchema(key, item)` gives for the same object: `_links`
 * and each item go through serializers compiled from those schemas (so the schema still decides
 * what leaves), the rest is the envelope's fixed text and two integers. Each item is serialized
 * on its own, so no string of the whole page is ever built.
 */
export function writeCollection<T>(
  out: BodyWriter,
  serializers: CollectionSerializers<T>,
  links: Links,
  key: string,
  items: readonly T[],
  count: number | undefined,
): void {
  out.text(`{"_links":${serializers.links(links)},"_embedded":{${JSON.stringify(key)}:[`);
  for (let i = 0; i < items.length; i += 1) {
    if (i > 0) out.text(',');
    out.text(serializers.item(items[i]!));
  }
  // The compiled serializer writes the required `size` before the optional `count`.
  const counted = count === undefined ? '' : `,"count":${Math.trunc(count)}`;
  out.text(`]},"size":${items.length}${counted}}`);
}
