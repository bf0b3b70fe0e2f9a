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
import type { Validators } from '../http/validation.js';
import type { Hal } from './hal.js';

/** What every route module of the faces receives. */
export interface TesseraContext {
  readonly config: Config;
  readonly services: Services;
  readonly hal: Hal;
  readonly validators: Validators;
}

declare module 'fastify' {
  interface FastifyInstance {
    tessera: TesseraContext;
  }
}

export type FastifyTypebox = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;
