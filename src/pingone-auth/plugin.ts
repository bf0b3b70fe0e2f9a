import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyTypebox } from '../http/context.js';
import { registerAuthCors } from './cors.js';
import { authRoutes } from './routes.js';

/**
 * The PingOne auth face: the authorization server (`/{envID}/as/*`), the Flows API
 * (`/{envID}/flows/*`) and the hosted sign-on page (`/{envID}/signon/`). Each route module is
 * registered in its own encapsulated scope so it can set its own error handler; CORS, decided per
 * application, covers them all.
 */
export const pingOneAuthFace: FastifyPluginAsyncTypebox = async (app) => {
  await registerAuthCors(app);
  for (const routes of authRoutes) await app.register(async (scope: FastifyTypebox) => routes(scope));
};
