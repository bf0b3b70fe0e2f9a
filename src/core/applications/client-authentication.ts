import { decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Store } from '../../db/store.js';
import type { Clock } from '../shared/clock.js';
import { checkJwtRules, JWT_VERIFY_RULES } from '../tokens/jwt-rules.js';
import { secretMatches } from '../shared/secrets.js';
import { OAuthError } from '../tokens/tokens.service.js';
import type { Application, ApplicationCredentials, ClientAuthentication } from './application.js';
import { findApplicationWithCredentials, markPreviousSecretUsed } from './applications.repository.js';
import { insertAssertionId, pruneAssertionIds } from './client-assertions.repository.js';
import {
  CLIENT_HMAC_ALGORITHMS,
  CLIENT_KEY_ALGORITHMS,
  clientKeySet,
  previousSecretValid,
} from './client-keys.js';
import type { SecretKeeper } from './secret-keeper.js';

/** One answer for an unknown client, a wrong secret or a bad signature: clients cannot be enumerated. */
const INVALID_CLIENT = 'Request denied: Unsupported authentication method or invalid client credentials';
const refuse = (description = INVALID_CLIENT) => new OAuthError('invalid_client', description);

const HMAC_ALGORITHMS = [...CLIENT_HMAC_ALGORITHMS];
const KEY_ALGORITHMS = [...CLIENT_KEY_ALGORITHMS];

export interface ClientAuthenticationOptions {
  /** The values a client assertion's `aud` may take (RFC 7523 §3: the token endpoint or issuer). */
  readonly audience: readonly string[];
}

/**
 * Checks how a client authenticated against its application's configuration: the method, the
 * secret (current, or previous before its expiry) and client assertions (RFC 7523), whose ids are
 * remembered in the store until they expire so a replay is refused on every process.
 */
export function createClientAuthenticator(
  store: Store,
  clock: Clock,
  keeper: SecretKeeper,
  remoteKeySet: (url: string) => JWTVerifyGetKey,
) {
  const previousValid = (credentials: ApplicationCredentials) =>
    previousSecretValid(credentials, clock.now());

  async function checkSecret(app: Application, credentials: ApplicationCredentials, presented: string) {
    // Both comparisons always run, so the time taken says nothing about which secret matched.
    const current = secretMatches(presented, credentials.secretHash);
    const previous = credentials.previous ? secretMatches(presented, credentials.previous.secretHash) : false;
    if (current) return;
    if (previous && previousValid(credentials)) {
      await markPreviousSecretUsed(store.db, app.id, clock.now());
      return;
    }
    throw refuse();
  }

  async function verifyAssertion(
    assertion: string,
    key: Uint8Array | JWTVerifyGetKey,
    algorithms: string[],
    clientId: string,
    options: ClientAuthenticationOptions,
  ): Promise<JWTPayload> {
    const { payload, protectedHeader } = await jwtVerify(assertion, key as Uint8Array, {
      ...JWT_VERIFY_RULES,
      algorithms,
      issuer: clientId,
      subject: clientId,
      audience: [...options.audience],
      currentDate: new Date(clock.now()),
      requiredClaims: ['exp', 'jti'],
    });
    checkJwtRules(protectedHeader, payload, clock.now());
    return payload;
  }

  async function checkSecretAssertion(
    app: Application,
    credentials: ApplicationCredentials,
    assertion: string,
    options: ClientAuthenticationOptions,
  ): Promise<JWTPayload> {
    const encode = (secret: string) => new TextEncoder().encode(secret);
    try {
      return await verifyAssertion(
        assertion,
        encode(await keeper.open(credentials)),
        HMAC_ALGORITHMS,
        app.id,
        options,
      );
    } catch (error) {
      if (!(error instanceof joseErrors.JWSSignatureVerificationFailed) || !previousValid(credentials))
        throw error;
    }
    const payload = await verifyAssertion(
      assertion,
      encode(await keeper.open(credentials.previous!)),
      HMAC_ALGORITHMS,
      app.id,
      options,
    );
    await markPreviousSecretUsed(store.db, app.id, clock.now());
    return payload;
  }

  async function checkKeyAssertion(
    app: Application,
    assertion: string,
    options: ClientAuthenticationOptions,
  ) {
    const keys = clientKeySet(app, remoteKeySet);
    if (!keys) throw refuse();
    return verifyAssertion(assertion, keys, KEY_ALGORITHMS, app.id, options);
  }

  /** Remembers an assertion's `jti` until its `exp`; a second use is refused. */
  async function consumeAssertionId(app: Application, payload: JWTPayload): Promise<void> {
    await pruneAssertionIds(store.db, app.id, clock.now());
    try {
      await insertAssertionId(store.db, {
        applicationId: app.id,
        jti: String(payload.jti),
        expiresAt: (payload.exp ?? 0) * 1000,
      });
    } catch (error) {
      if (store.dialect.isUniqueViolation(error)) throw refuse('The client assertion was already used');
      throw error;
    }
  }

  /** The client an assertion names when the request has no client_id (its unverified `iss`). */
  function assertedClient(assertion: string): string | undefined {
    try {
      const issuer = decodeJwt(assertion).iss;
      return typeof issuer === 'string' ? issuer : undefined;
    } catch {
      return undefined;
    }
  }

  return async function authenticateClient(
    environmentId: string,
    auth: ClientAuthentication,
    options: ClientAuthenticationOptions,
  ): Promise<Application> {
    const jwt = auth.method === 'CLIENT_SECRET_JWT' || auth.method === 'PRIVATE_KEY_JWT';
    const clientId = jwt ? (auth.clientId ?? assertedClient(auth.assertion)) : auth.clientId;
    if (clientId === undefined || clientId === '') throw refuse();
    const found = await findApplicationWithCredentials(store.db, environmentId, clientId);
    if (!found) {
      if (auth.method === 'CLIENT_SECRET_BASIC' || auth.method === 'CLIENT_SECRET_POST') {
        secretMatches(auth.clientSecret, '0'.repeat(64)); // same work as for a known client
      }
      throw refuse();
    }
    const { application, credentials } = found;
    if (application.tokenEndpointAuthMethod !== auth.method) throw refuse();
    try {
      if (auth.method === 'CLIENT_SECRET_BASIC' || auth.method === 'CLIENT_SECRET_POST') {
        await checkSecret(application, credentials, auth.clientSecret);
      } else if (auth.method === 'CLIENT_SECRET_JWT') {
        await consumeAssertionId(
          application,
          await checkSecretAssertion(application, credentials, auth.assertion, options),
        );
      } else if (auth.method === 'PRIVATE_KEY_JWT') {
        await consumeAssertionId(application, await checkKeyAssertion(application, auth.assertion, options));
      }
    } catch (error) {
      throw assertionError(error);
    }
    if (!application.enabled) throw refuse('Request denied: the application is disabled');
    return application;
  };
}

/** Claim problems are only reported once the signature held; anything else is the one refusal. */
function assertionError(error: unknown): unknown {
  if (error instanceof OAuthError) return error;
  if (error instanceof joseErrors.JWTExpired) return refuse('The client assertion has expired');
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return refuse(`The client assertion's ${error.claim} claim is missing or invalid`);
  }
  if (error instanceof joseErrors.JOSEError || error instanceof TypeError || error instanceof SyntaxError) {
    return refuse();
  }
  return error;
}
