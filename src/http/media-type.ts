/** The media type of a Content-Type header without parameters, or undefined when absent. */
export function essence(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const value = contentType.split(';')[0]?.trim();
  return value === '' ? undefined : value;
}

/**
 * Media types compare case-insensitively (RFC 9110); PingOne's `+json` suffix is inconsistent
 * between operations, so a type also matches with the suffix added or removed.
 */
export function sameMediaType(a: string, b: string): boolean {
  const strip = (t: string) => t.toLowerCase().replace(/\+json$/, '');
  return strip(a) === strip(b);
}
