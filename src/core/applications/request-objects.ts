import {
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import type { Store } from '../../db/store.js';
import type { Clock } from '../shared/clock.js';
import type { ApplicationCredentials } from './application.js';
import { findApplicationWithCredentials } from './applications.repository.js';
import {
  CLIENT_HMAC_ALGORITHMS,
  CLIENT_KEY_ALGORITHMS,
  clientKeySet,
  previousSecretValid,
} from './client-keys.js';
import type { SecretKeeper } from './secret-keeper.js';

export const REQUEST_OBJECT_HMAC_ALGORITHMS = CLIENT_HMAC_ALGORITHMS;
export const REQUEST_OBJECT_KEY_ALGORITHMS = CLIENT_KEY_ALGORITHMS;

const CLOCK_TOLERANCE_SECONDS = 15;

/** Why a request object was refused; the message is safe to show to the client. */
export class RequestObjectError extends Error {}

/**
 * Verifies request objects (OIDC Core §6.1, RFC 9101) for an application: HS* signed with its
 * client secret (current, or previous before its expiry; not for public clients, whose secret
 * is not confidential), RSA, RSA-PSS or EC signatures with its `jwks` or `jwksUrl`. Unsigned (`none`) objects are
 * refused: they would let anyone who can build a URL claim the client's voice.
 */
export function createRequestObjectVerifier(
  store: Store,
  clock: Clock,
  keeper: SecretKeeper,
  remoteKeySet: (url: string) => JWTVerifyGetKey,
) {
  const previousValid = (credentials: ApplicationCredentials) =>
    previousSecretValid(credentials, clock.now());

  return async function verifyRequestObject(
    environmentId: string,
    applicationId: string,
    jwt: string,
    issuer: string,
  ): Promise<JWTPayload> {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(jwt).alg;
    } catch {
      throw new RequestObjectError('The request object is not a signed JWT');
    }
    if (alg === undefined || alg === 'none')
      throw new RequestObjectError('Unsigned request objects are refused');
    const found = await findApplicationWithCredentials(store.db, environmentId, applicationId);
    if (!found) throw new RequestObjectError('The client is unknown');
    const { application, credentials } = found;
    const options = {
      currentDate: new Date(clock.now()),
      // The client's clock stamps nbf/exp: allow it to drift a little from ours.
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      // RFC 9101 §4: when present, iss is the client and aud the authorization server.
      ...(decodedClaim(jwt, 'iss') !== undefined ? { issuer: application.id } : {}),
      ...(decodedClaim(jwt, 'aud') !== undefined ? { audience: issuer } : {}),
    };
    try {
      if ((REQUEST_OBJECT_HMAC_ALGORITHMS as readonly string[]).includes(alg)) {
        if (application.tokenEndpointAuthMethod === 'NONE') {
          throw new RequestObjectError('A public client cannot sign request objects with a secret');
        }
        const algorithms = [...REQUEST_OBJECT_HMAC_ALGORITHMS];
        const secrets = [credentials, ...(previousValid(credentials) ? [credentials.previous!] : [])];
        for (const [index, secret] of secrets.entries()) {
          const key = new TextEncoder().encode(await keeper.open(secret));
          try {
            return (await jwtVerify(jwt, key, { ...options, algorithms })).payload;
          } catch (error) {
            const last = index === secrets.length - 1;
            if (last || !(error instanceof joseErrors.JWSSignatureVerificationFailed)) throw error;
          }
        }
      }
      if ((REQUEST_OBJECT_KEY_ALGORITHMS as readonly string[]).includes(alg)) {
        const keys = clientKeySet(application, remoteKeySet);
        if (!keys)
          throw new RequestObjectError('The application has no keys (jwks) to verify the request object');
        return (await jwtVerify(jwt, keys, { ...options, algorithms: [...REQUEST_OBJECT_KEY_ALGORITHMS] }))
          .payload;
      }
      throw new RequestObjectError(`The request object's algorithm ${alg} is not supported`);
    } catch (error) {
      throw explain(error);
    }
  };
}

function decodedClaim(jwt: string, name: string): unknown {
  const payload = jwt.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>)[name];
  } catch {
    return undefined;
  }
}

/** Claim problems are named; anything else about the JWT is one answer that reveals nothing. */
function explain(error: unknown): unknown {
  if (error instanceof RequestObjectError) return error;
  if (error instanceof joseErrors.JWTExpired) return new RequestObjectError('The request object has expired');
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return new RequestObjectError(`The request object's ${error.claim} claim is invalid`);
  }
  if (error instanceof joseErrors.JOSEError || error instanceof TypeError || error instanceof SyntaxError) {
    return new RequestObjectError('The request object signature could not be verified');
  }
  return error;
}
