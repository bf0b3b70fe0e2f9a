import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { Config } from '../config/config.js';
import type { Services } from '../core/services.js';
import type { CredentialThrottle } from './credential-throttle.js';
import type { Validators } from './validation.js';

/**
 * What every face receives from the composition root (`app.tessera`). Face vocabulary (PingOne's
 * HAL links, UiPath's prefixes) is not here: each face builds its own helpers in its plugin.
 */
export interface TesseraContext {
  readonly config: Config;
  readonly services: Services;
  readonly validators: Validators;
  /** Failed client authentications, one budget per client and per address across all faces. */
  readonly credentialThrottle: CredentialThrottle;
  /**
   * The app's response serializer for `schema` (the compiler every route's response schema goes
   * through), for a body a route writes itself piece by piece (`src/http/pooled-body.ts`).
   */
  readonly compileSerializer: (schema: object) => (data: unknown) => string;
}

declare module 'fastify' {
  interface FastifyInstance {
    tessera: TesseraContext;
  }
}

/** The Fastify instance every face works with: route schemas are TypeBox, so handlers are typed. */
export type FastifyTypebox = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;
