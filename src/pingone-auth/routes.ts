import type { FastifyTypebox } from '../http/context.js';
import { flowRoutes } from './flows/flows.routes.js';
import { signOnPageRoutes } from './signon-page/signon-page.routes.js';
import { tokenRoutes } from './tokens/tokens.routes.js';

/** Every route module of the PingOne auth face (`/{envID}/as/*`, `/{envID}/flows/*`, hosted pages). */
export const authRoutes: ReadonlyArray<(app: FastifyTypebox) => void> = [
  tokenRoutes,
  flowRoutes,
  signOnPageRoutes,
];
