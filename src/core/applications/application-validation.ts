import { invalidData, type ErrorDetail } from '../shared/errors.js';
import {
  APPLICATION_DEFAULTS,
  type ApplicationInput,
  type ApplicationSettings,
  type ApplicationType,
  type CorsSettings,
  type GrantType,
  type ResponseType,
} from './application.js';

/**
 * Turns what a caller sent into complete settings (defaults filled in), or throws one 400 listing
 * every combination that makes no sense, each detail naming its field. Face-neutral: the PingOne
 * face maps its wire body to ApplicationInput and lets this decide.
 */
export function resolveApplicationSettings(
  input: ApplicationInput,
  current?: { readonly type: ApplicationType },
): ApplicationSettings {
  const problems: ErrorDetail[] = [];
  const invalid = (target: string, message: string) =>
    problems.push({ code: 'invalid_value', target, message });
  const required = (target: string, message: string) =>
    problems.push({ code: 'required_value', target, message });

  const type = input.type ?? current?.type ?? 'WORKER';
  if (current && current.type !== type) invalid('type', 'The type of an application cannot be changed.');
  const worker = type === 'WORKER';

  // PingOne requires tokenEndpointAuthMethod for OIDC applications; a worker defaults to Basic.
  const tokenEndpointAuthMethod =
    input.tokenEndpointAuthMethod ?? (worker ? 'CLIENT_SECRET_BASIC' : undefined);
  if (!tokenEndpointAuthMethod) required('tokenEndpointAuthMethod', 'tokenEndpointAuthMethod is required.');
  const grantTypes = unique<GrantType>(input.grantTypes ?? (worker ? ['CLIENT_CREDENTIALS'] : []));
  if (grantTypes.length === 0) required('grantTypes', 'At least one grant type is required.');
  const responseTypes = unique(input.responseTypes ?? defaultResponseTypes(grantTypes));
  const has = (grant: GrantType) => grantTypes.includes(grant);

  if (worker && grantTypes.some((grant) => grant !== 'CLIENT_CREDENTIALS')) {
    invalid('grantTypes', 'A WORKER application may only use the CLIENT_CREDENTIALS grant type.');
  }
  if (has('CLIENT_CREDENTIALS') && tokenEndpointAuthMethod === 'NONE') {
    invalid('tokenEndpointAuthMethod', 'The CLIENT_CREDENTIALS grant type cannot be used with NONE.');
  }
  if (has('REFRESH_TOKEN') && !has('AUTHORIZATION_CODE')) {
    invalid('grantTypes', 'The REFRESH_TOKEN grant type needs the AUTHORIZATION_CODE grant type.');
  }
  if (responseTypes.includes('CODE') && !has('AUTHORIZATION_CODE')) {
    invalid('responseTypes', 'The CODE response type needs the AUTHORIZATION_CODE grant type.');
  }
  if ((responseTypes.includes('TOKEN') || responseTypes.includes('ID_TOKEN')) && !has('IMPLICIT')) {
    invalid('responseTypes', 'The TOKEN and ID_TOKEN response types need the IMPLICIT grant type.');
  }
  if (has('AUTHORIZATION_CODE') && !responseTypes.includes('CODE')) {
    invalid('responseTypes', 'The AUTHORIZATION_CODE grant type needs the CODE response type.');
  }
  if (has('IMPLICIT') && !responseTypes.includes('TOKEN') && !responseTypes.includes('ID_TOKEN')) {
    invalid('responseTypes', 'The IMPLICIT grant type needs the TOKEN or ID_TOKEN response type.');
  }

  const wildcards = input.allowWildcardInRedirectUris ?? false;
  const redirectUris = input.redirectUris ?? [];
  const postLogoutRedirectUris = input.postLogoutRedirectUris ?? [];
  checkRedirectUris('redirectUris', redirectUris, wildcards, invalid);
  checkRedirectUris('postLogoutRedirectUris', postLogoutRedirectUris, wildcards, invalid);
  // Browser applications always come back through a redirect. Native and custom applications may
  // drive sign-on with response_mode=pi.flow only, which needs no redirect URI (reference §4.7).
  const redirecting = has('AUTHORIZATION_CODE') || has('IMPLICIT');
  if (redirecting && redirectUris.length === 0 && (type === 'WEB_APP' || type === 'SINGLE_PAGE_APP')) {
    required(
      'redirectUris',
      `A ${type} using AUTHORIZATION_CODE or IMPLICIT needs at least one redirect URI.`,
    );
  }

  for (const [target, value] of [
    ['loginPageUrl', input.loginPageUrl],
    ['homePageUrl', input.homePageUrl],
  ] as const) {
    if (value !== undefined && !isWebUrl(value))
      invalid(target, `${target} must be an absolute http or https URL.`);
  }

  if (tokenEndpointAuthMethod === 'PRIVATE_KEY_JWT') {
    if (input.jwks === undefined && input.jwksUrl === undefined) {
      required('jwks', 'PRIVATE_KEY_JWT needs jwks or jwksUrl.');
    } else if (input.jwks !== undefined && input.jwksUrl !== undefined) {
      invalid('jwksUrl', 'jwks and jwksUrl cannot both be set.');
    }
  }
  if (input.jwks !== undefined) {
    const problem = jwksProblem(input.jwks);
    if (problem) invalid('jwks', problem);
  }
  if (input.jwksUrl !== undefined && !isJwksUrl(input.jwksUrl)) {
    invalid('jwksUrl', 'jwksUrl must be an https URL (http only for localhost).');
  }

  const refreshTokenDuration = input.refreshTokenDuration ?? APPLICATION_DEFAULTS.refreshTokenDuration;
  const refreshTokenRollingDuration =
    input.refreshTokenRollingDuration ?? APPLICATION_DEFAULTS.refreshTokenRollingDuration;
  if (refreshTokenDuration > refreshTokenRollingDuration) {
    invalid('refreshTokenDuration', 'refreshTokenDuration must not exceed refreshTokenRollingDuration.');
  }

  const corsSettings = checkCors(input.corsSettings, invalid);

  if (problems.length > 0) throw invalidData(problems);
  return {
    name: input.name,
    description: input.description,
    type,
    enabled: input.enabled ?? true,
    tokenEndpointAuthMethod: tokenEndpointAuthMethod!,
    grantTypes,
    responseTypes,
    pkceEnforcement: input.pkceEnforcement ?? APPLICATION_DEFAULTS.pkceEnforcement,
    redirectUris: [...redirectUris],
    allowWildcardInRedirectUris: wildcards,
    postLogoutRedirectUris: [...postLogoutRedirectUris],
    loginPageUrl: input.loginPageUrl,
    homePageUrl: input.homePageUrl,
    refreshTokenDuration,
    refreshTokenRollingDuration,
    refreshTokenRollingGracePeriodDuration:
      input.refreshTokenRollingGracePeriodDuration ??
      APPLICATION_DEFAULTS.refreshTokenRollingGracePeriodDuration,
    additionalRefreshTokenReplayProtectionEnabled:
      input.additionalRefreshTokenReplayProtectionEnabled ??
      APPLICATION_DEFAULTS.additionalRefreshTokenReplayProtectionEnabled,
    corsSettings,
    idpSignoff: input.idpSignoff ?? false,
    jwks: input.jwks,
    jwksUrl: input.jwksUrl,
    scopes: [...(input.scopes ?? [])],
    accessTokenTtlSeconds: input.accessTokenTtlSeconds ?? APPLICATION_DEFAULTS.accessTokenTtlSeconds,
  };
}

const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];

/** What the grant types imply when responseTypes is left out (Ping's per-type table, §2.3). */
function defaultResponseTypes(grants: readonly GrantType[]): ResponseType[] {
  return [
    ...(grants.includes('AUTHORIZATION_CODE') ? (['CODE'] as const) : []),
    ...(grants.includes('IMPLICIT') ? (['TOKEN', 'ID_TOKEN'] as const) : []),
  ];
}

const DANGEROUS_SCHEMES = new Set(['javascript:', 'data:', 'vbscript:', 'file:', 'blob:']);

function checkRedirectUris(
  target: string,
  uris: readonly string[],
  wildcards: boolean,
  invalid: (target: string, message: string) => void,
): void {
  for (const uri of uris) {
    if (uri.includes('*') && !wildcards) {
      invalid(target, `${uri} has a wildcard but allowWildcardInRedirectUris is not true.`);
      continue;
    }
    // A wildcard stands for ordinary characters, so the URI must parse with it replaced.
    const parsed = parseUrl(uri.replaceAll('*', 'w'));
    if (!parsed || !/^[a-z][a-z0-9+.-]*:/i.test(uri) || DANGEROUS_SCHEMES.has(parsed.protocol)) {
      invalid(target, `${uri} is not an absolute URI.`);
    } else if (uri.includes('#')) {
      invalid(target, `${uri} must not have a fragment.`);
    }
  }
}

function checkCors(
  input: ApplicationInput['corsSettings'],
  invalid: (target: string, message: string) => void,
): CorsSettings | undefined {
  if (input === undefined) return undefined;
  const origins = [...(input.origins ?? [])];
  if (input.behavior === 'ALLOW_NO_ORIGINS' && origins.length > 0) {
    invalid('corsSettings.origins', 'origins must be empty when behavior is ALLOW_NO_ORIGINS.');
  }
  if (input.behavior === 'ALLOW_SPECIFIC_ORIGINS' && origins.length === 0) {
    invalid('corsSettings.origins', 'origins must not be empty when behavior is ALLOW_SPECIFIC_ORIGINS.');
  }
  if (origins.length > 20) invalid('corsSettings.origins', 'At most 20 origins are allowed.');
  for (const origin of origins) {
    if (!isOrigin(origin)) {
      invalid('corsSettings.origins', `${origin} is not an origin (an http or https URL without a path).`);
    }
  }
  return { behavior: input.behavior, origins };
}

/** `scheme://host[:port]`, the host a name, `localhost` or IPv4, subdomains may start with `*.`. */
function isOrigin(origin: string): boolean {
  const match = /^(https?):\/\/(\*\.)?([a-z0-9.-]+)(:\d{1,5})?$/i.exec(origin);
  if (!match) return false;
  const parsed = parseUrl(origin.replace('*.', 'w.'));
  return parsed !== undefined && parsed.pathname === '/' && parsed.username === '' && parsed.password === '';
}

function isWebUrl(value: string): boolean {
  const parsed = parseUrl(value);
  return parsed !== undefined && (parsed.protocol === 'https:' || parsed.protocol === 'http:');
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** PingOne accepts https only; Tessera also accepts http on loopback, for local development and tests. */
function isJwksUrl(value: string): boolean {
  const parsed = parseUrl(value);
  if (!parsed || parsed.hash !== '' || parsed.username !== '') return false;
  return parsed.protocol === 'https:' || (parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname));
}

/** Why a JWK Set text is unusable for verifying client assertions, if it is. */
function jwksProblem(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'jwks must be the JSON text of a JWK Set.';
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) return 'jwks must be a JWK Set with at least one key.';
  for (const key of keys as unknown[]) {
    if (typeof key !== 'object' || key === null || typeof (key as { kty?: unknown }).kty !== 'string') {
      return 'Every key in jwks needs a kty.';
    }
    // A private or symmetric key has no business in a client's public key set.
    if ('d' in key || (key as { kty: string }).kty === 'oct') return 'jwks must hold public keys only.';
  }
  return undefined;
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
