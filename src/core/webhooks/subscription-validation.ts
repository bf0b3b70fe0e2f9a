import { invalidData, type ErrorDetail } from '../shared/errors.js';
import { SUBSCRIPTION_LIMITS, type SubscriptionInput } from './subscription.js';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers Tessera sets itself on every delivery. */
const RESERVED_HEADERS = new Set([
  'content-type',
  'content-length',
  'host',
  'transfer-encoding',
  'connection',
]);

/**
 * The subscription rules (reference §4.2) beyond what the face's schema checks: an http(s) URL
 * (plain http is allowed: Tessera runs on laptops and in CI), at least one action type, at most
 * 10 applications and 10 populations, header names that are HTTP tokens, and values without line
 * breaks. Only the ACTIVITY format is produced (SPLUNK and NEWRELIC layouts are not documented).
 */
export function validateSubscription(input: SubscriptionInput): void {
  const details: ErrorDetail[] = [];
  const fail = (target: string, message: string) => details.push({ code: 'invalid_value', target, message });
  if (input.name.trim() === '') fail('name', 'The name must not be empty.');
  let url: URL | undefined;
  try {
    url = new URL(input.url);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    fail('httpEndpoint.url', 'The endpoint must be an absolute http:// or https:// URL.');
  if (input.format !== 'ACTIVITY')
    fail('format', 'Only the ACTIVITY format is supported; SPLUNK and NEWRELIC are not.');
  if (input.filter.includedActionTypes.length === 0)
    fail('filterOptions.includedActionTypes', 'At least one action type is required.');
  if ((input.filter.includedApplications?.length ?? 0) > SUBSCRIPTION_LIMITS.filterIds)
    fail('filterOptions.includedApplications', `At most ${SUBSCRIPTION_LIMITS.filterIds} applications.`);
  if ((input.filter.includedPopulations?.length ?? 0) > SUBSCRIPTION_LIMITS.filterIds)
    fail('filterOptions.includedPopulations', `At most ${SUBSCRIPTION_LIMITS.filterIds} populations.`);
  for (const [name, value] of Object.entries(input.headers)) {
    if (!HEADER_NAME.test(name) || RESERVED_HEADERS.has(name.toLowerCase()))
      fail('httpEndpoint.headers', `The header name ${JSON.stringify(name)} cannot be used.`);
    if (/[\r\n\0]/.test(value)) fail('httpEndpoint.headers', `The value of ${name} contains a line break.`);
  }
  if (details.length > 0) throw invalidData(details);
}
