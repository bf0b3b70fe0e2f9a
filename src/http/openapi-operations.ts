/**
 * Defaults for what every OpenAPI operation must have (operationId, summary, tag), derived from
 * the method and the route template, so that a route added by any face is documented even when
 * its author wrote only the schemas. A route's own `summary`, `operationId` or `tags` win.
 */

const words = (segment: string): string[] =>
  segment
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_.-]+/)
    .filter((w) => w !== '')
    .map((w) => w.toLowerCase());

const pascal = (segment: string): string =>
  words(segment.replace(/[{}:]/g, ''))
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

/** English singular of the last word, for the usual plurals of resource names. */
function singular(phrase: string): string {
  // Names of one thing that end in s: "email delivery settings", "status".
  if (/(settings|status|details)$/.test(phrase)) return phrase;
  return phrase
    .replace(/ies$/, 'y')
    .replace(/(ss|x|ch|sh)es$/, '$1')
    .replace(/([^s])s$/, '$1');
}

const isParam = (segment: string) => segment.startsWith('{') || segment.startsWith(':');

/** The path's segments without the version prefix, as written in the document (`{id}` style). */
function segmentsOf(url: string): string[] {
  return url.split('/').filter((s) => s !== '' && s !== 'v1');
}

/**
 * "List users", "Create user", "Read user", "Update user", "Delete user", "Read user enabled"...
 * `isCollection(url)` tells whether that URL holds items (POST creates one, or `{id}` reads one).
 */
export function defaultSummary(method: string, url: string, isCollection: (url: string) => boolean): string {
  const segments = segmentsOf(url);
  const last = segments.at(-1);
  if (last === undefined) return `${method} /`;
  const literals = segments.filter((s) => !isParam(s));
  const resource = literals.at(-1) ?? last;
  const phrase = words(resource).join(' ');
  // The resource this one hangs under, named for context: "Read application role assignment".
  const parent = literals.length > 1 ? singular(words(literals.at(-2) ?? '').join(' ')) : '';
  const owner = parent !== '' && parent !== 'environment' ? `${parent} ` : '';
  const item = `${owner}${singular(phrase)}`;
  if (isParam(last)) {
    switch (method) {
      case 'GET':
        return `Read ${item}`;
      case 'PUT':
        return `Update ${item}`;
      case 'PATCH':
        return `Update some attributes of ${item}`;
      case 'DELETE':
        return `Delete ${item}`;
      default:
        return `${method} on ${item}`;
    }
  }
  const collection = isCollection(url);
  switch (method) {
    case 'GET':
      return collection ? `List ${owner}${phrase}` : `Read ${owner}${phrase}`;
    case 'POST':
      return collection ? `Create ${item}` : `${method} ${owner}${phrase}`;
    case 'PUT':
      return `Update ${owner}${phrase}`;
    case 'PATCH':
      return `Update some attributes of ${owner}${phrase}`;
    case 'DELETE':
      return `Delete ${owner}${phrase}`;
    default:
      return `${method} ${owner}${phrase}`;
  }
}

/** `getV1EnvironmentsUsersByUserId`-style: the method, the literal segments, the last parameter. */
export function defaultOperationId(method: string, url: string): string {
  const segments = url.split('/').filter((s) => s !== '');
  const literals = segments.filter((s) => !isParam(s)).map(pascal);
  const last = segments.at(-1);
  const by = last !== undefined && isParam(last) ? `By${pascal(last)}` : '';
  return `${method.toLowerCase()}${literals.join('')}${by}` || method.toLowerCase();
}

/** The tag of a route that names none: its first literal segment, in words ("Health"). */
export function defaultTag(url: string): string {
  const first = segmentsOf(url).find((s) => !isParam(s));
  if (first === undefined) return 'Operations';
  const phrase = words(first).join(' ');
  return phrase.charAt(0).toUpperCase() + phrase.slice(1);
}
