import { sql, type RawBuilder, type SqlBool } from 'kysely';

/**
 * Which environments a scheduler sweep covers. Test mode may run one environment's clock apart
 * from the others; the scheduler then sweeps that environment on its own (inside its clock
 * context, `only`) and the rest together (`except`). Undefined: every environment.
 */
export interface EnvironmentScope {
  readonly only?: string;
  readonly except?: readonly string[];
}

/** A WHERE condition keeping the rows of the scope, by their `environment_id` (or `column`). */
export function inEnvironmentScope(
  scope: EnvironmentScope | undefined,
  column = 'environment_id',
): RawBuilder<SqlBool> {
  if (scope?.only !== undefined) return sql<SqlBool>`${sql.ref(column)} = ${scope.only}`;
  if (scope?.except !== undefined && scope.except.length > 0)
    return sql<SqlBool>`${sql.ref(column)} not in (${sql.join([...scope.except])})`;
  return sql<SqlBool>`1 = 1`;
}

/** The same, for webhook deliveries (keyed by their subscription's environment). */
export function subscriptionInEnvironmentScope(scope: EnvironmentScope | undefined): RawBuilder<SqlBool> {
  if (scope === undefined || (scope.only === undefined && !scope.except?.length)) return sql<SqlBool>`1 = 1`;
  return sql<SqlBool>`${sql.ref('subscription_id')} in (select id from webhook_subscriptions where ${inEnvironmentScope(scope)})`;
}
