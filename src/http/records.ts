/**
 * A parsed request part (query, route values, form body) as a record of its own properties, or
 * an empty record when it is not an object: read without a cast, whatever the route's schema.
 */
export function recordOf(value: unknown): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return record;
  for (const [name, field] of Object.entries(value)) record[name] = field;
  return record;
}
