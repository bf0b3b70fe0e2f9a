export interface Link {
  href: string;
}
export type Links = Record<string, Link>;

/** Absolute HAL links under the management API base (`{publicUrl}/v1`). */
export class Hal {
  readonly apiBase: string;
  constructor(publicUrl: string) {
    this.apiBase = `${publicUrl}/v1`;
  }
  href(path: string): string {
    return `${this.apiBase}${path}`;
  }
  link(path: string): Link {
    return { href: this.href(path) };
  }
  env(environmentId: string, path = ''): string {
    return `/environments/${environmentId}${path}`;
  }
}

export interface CollectionPage<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string | undefined;
  readonly count?: number | undefined;
}

/** A collection's `_links`: `self` keeps the request's query; `next` carries the cursor and the page size. */
export function collectionLinks(
  hal: Hal,
  path: string,
  query: Record<string, string | number | undefined>,
  page: Pick<CollectionPage<unknown>, 'nextCursor'>,
): Links {
  const url = (extra: Record<string, string | number | undefined>) => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries({ ...query, ...extra })) {
      if (value !== undefined && value !== '') params.set(name, String(value));
    }
    const qs = params.toString();
    return hal.href(path) + (qs ? `?${qs}` : '');
  };
  const links: Links = { self: { href: url({}) } };
  if (page.nextCursor) links.next = { href: url({ cursor: page.nextCursor }) };
  return links;
}

/** A PingOne collection: `{_links: {self, next?}, _embedded: {<key>: [...]}, count, size}`. */
export function collection<T, W>(
  hal: Hal,
  path: string,
  query: Record<string, string | number | undefined>,
  key: string,
  page: CollectionPage<T>,
  toWire: (item: T) => W,
) {
  return {
    _links: collectionLinks(hal, path, query, page),
    _embedded: { [key]: page.items.map(toWire) },
    ...(page.count !== undefined ? { count: page.count } : {}),
    size: page.items.length,
  };
}
