import cors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyRequest } from 'fastify';
import type { CorsOperation } from '../core/applications/cors-policy.js';
import type { FastifyTypebox } from '../http/context.js';
import type { Services } from '../core/services.js';
import { formOf } from '../http/oauth.js';
import { recordOf } from '../http/records.js';

/** Browsers may cache a preflight answer this long (seconds). */
const PREFLIGHT_MAX_AGE = 600;

/** What a cross-origin request to the auth face reaches, and how its application is found. */
interface CorsTarget {
  readonly environmentId: string;
  readonly operation: CorsOperation;
  readonly methods: readonly string[];
  /** Cookies (`ST`) ride along: the origin is echoed with `Access-Control-Allow-Credentials`. */
  readonly credentials: boolean;
  /** Public documents (discovery, JWKS) answer every origin with `*`. */
  readonly public?: true;
  /** The application is named by the path itself (a flow): an unknown one refuses even preflights. */
  readonly namedByPath?: true;
  /** The calling application's id, when the request names it; undefined when it cannot. */
  readonly applicationOf: (request: FastifyRequest) => Promise<string | undefined>;
}

const firstString = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** `client_id` of a token-endpoint style request: HTTP Basic user, or the posted field. */
function postedClientId(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string' && /^Basic\s/i.test(header)) {
    const decoded = Buffer.from(header.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      try {
        return decodeURIComponent(decoded.slice(0, colon));
      } catch {
        return undefined;
      }
    }
  }
  return request.method === 'OPTIONS' ? undefined : firstString(formOf(request).client_id);
}

const queryOf = (request: FastifyRequest) => recordOf(request.query);

/**
 * Maps an auth-face path to its CORS rule (docs/signon.md, "CORS"). Anything else (the hosted
 * sign-on page, unknown paths, other faces) gets no CORS headers.
 */
function targetOf(services: Services, request: FastifyRequest): CorsTarget | undefined {
  const path = (request.url.split('?')[0] ?? '').replace(/\/$/, '');
  const match = /^\/([^/]+)\/(as|flows)\/(.+)$/.exec(path);
  if (!match) return undefined;
  const [, environmentId = '', face, rest = ''] = match;
  const base = { environmentId, credentials: false };
  if (face === 'flows') {
    if (rest.includes('/')) return undefined;
    const flowApplication = async () => {
      try {
        return (await services.flows.get(environmentId, decodeURIComponent(rest))).applicationId;
      } catch {
        return undefined;
      }
    };
    return {
      ...base,
      operation: 'other',
      methods: ['GET', 'POST'],
      credentials: true,
      namedByPath: true,
      applicationOf: flowApplication,
    };
  }
  const none = async () => undefined;
  switch (rest) {
    case '.well-known/openid-configuration':
    case 'jwks':
      return { ...base, operation: 'other', methods: ['GET'], public: true, applicationOf: none };
    case 'token':
      return {
        ...base,
        operation: 'token',
        methods: ['POST'],
        applicationOf: async (r) => postedClientId(r),
      };
    case 'revoke':
    case 'introspect':
      return {
        ...base,
        operation: 'other',
        methods: ['POST'],
        applicationOf: async (r) => postedClientId(r),
      };
    case 'userinfo':
      return {
        ...base,
        operation: 'other',
        methods: ['GET', 'POST'],
        applicationOf: async (r) => {
          const header = r.headers.authorization;
          const token =
            typeof header === 'string' && /^Bearer\s+/i.test(header)
              ? header.replace(/^Bearer\s+/i, '').trim()
              : r.method === 'POST'
                ? firstString(formOf(r).access_token)
                : undefined;
          if (token === undefined) return undefined;
          const claims = await services.oauth.verifyAccessToken(environmentId, token);
          return firstString(claims?.client_id);
        },
      };
    case 'signoff':
      return {
        ...base,
        operation: 'other',
        methods: ['GET'],
        credentials: true,
        applicationOf: async (r) => {
          const query = queryOf(r);
          const named = firstString(query.client_id);
          if (named !== undefined) return named;
          const hint = firstString(query.id_token_hint);
          const claims = hint ? await services.oauth.verifyIdTokenHint(environmentId, hint) : undefined;
          return Array.isArray(claims?.aud) ? firstString(claims.aud[0]) : firstString(claims?.aud);
        },
      };
    case 'authorize':
      return {
        ...base,
        operation: 'authorize',
        methods: ['GET', 'POST'],
        credentials: true,
        applicationOf: async (r) =>
          firstString(queryOf(r).client_id) ??
          (r.method === 'POST' ? firstString(formOf(r).client_id) : undefined),
      };
    default:
      return undefined;
  }
}

/** Whether `origin` may call the target: its application decides, or (unnamed) any application. */
async function originAllowed(
  services: Services,
  target: CorsTarget,
  request: FastifyRequest,
  origin: string,
): Promise<boolean> {
  if (target.public) return true;
  const applicationId = await target.applicationOf(request);
  if (applicationId !== undefined) {
    return services.applications.allowsOrigin(target.environmentId, applicationId, origin, target.operation);
  }
  // Only a preflight may leave the application unnamed and still pass: the request that follows
  // names it (client_id, token, flow) and is checked against that application alone.
  if (request.method !== 'OPTIONS' || target.namedByPath) return false;
  return services.applications.anyAllowsOrigin(target.environmentId, origin, target.operation);
}

/**
 * CORS for the auth face through `@fastify/cors`, decided per request from the calling
 * application's `corsSettings` (reference §2.2, §9). Runs at `preValidation`, when the form body
 * (`client_id`) is parsed. A refused origin gets no `Access-Control-Allow-Origin`, so the browser
 * hides the answer; a refused preflight is a 404 like any unknown OPTIONS request.
 */
export async function registerAuthCors(app: FastifyTypebox): Promise<void> {
  const { services } = app.tessera;
  const refused: FastifyCorsOptions = { origin: false };
  // @fastify/cors claims `OPTIONS *` for its preflights, which would take OPTIONS away from the
  // other faces (their 404/405 answers). Narrow it to this face's paths before it is added.
  app.addHook('onRoute', (route) => {
    if (route.method === 'OPTIONS' && route.url === '*') {
      route.url = '/:envID/as/*';
      route.path = route.url;
    }
  });
  await app.register(cors, {
    hook: 'preValidation',
    delegator: async (request: FastifyRequest): Promise<FastifyCorsOptions> => {
      const origin = request.headers.origin;
      if (typeof origin !== 'string') return refused;
      const target = targetOf(services, request);
      if (!target) return refused;
      if (!(await originAllowed(services, target, request, origin))) return refused;
      return {
        origin: target.public ? '*' : origin,
        credentials: target.credentials,
        methods: [...target.methods],
        maxAge: PREFLIGHT_MAX_AGE,
        exposedHeaders: ['Correlation-Id', 'WWW-Authenticate'],
      };
    },
  });
  // The preflight is answered by the hook; reaching a handler means the origin was refused.
  app.options('/:envID/flows/:flowID', { schema: { hide: true } }, (_request, reply) => reply.callNotFound());
}
