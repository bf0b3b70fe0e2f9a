import type { FastifyTypebox } from '../http/context.js';
import { discoveryRoutes } from './as/discovery.routes.js';
import { authorizeRoutes } from './as/authorize.routes.js';
import { introspectionRoutes } from './as/introspection.routes.js';
import { signoffRoutes } from './as/signoff.routes.js';
import { asNotFoundRoutes } from './as/not-found.routes.js';
import { userinfoRoutes } from './as/userinfo.routes.js';
import { flowRoutes } from './flows/flows.routes.js';
import { signOnPageRoutes } from './signon-page/signon-page.routes.js';
import { tokenRoutes } from './tokens/tokens.routes.js';

/** Every route module of the PingOne auth face (`/{envID}/as/*`, `/{envID}/flows/*`, hosted pages). */
export const authRoutes: ReadonlyArray<(app: FastifyTypebox) => void> = [
  tokenRoutes,
  flowRoutes,
  signOnPageRoutes,
  discoveryRoutes,
  authorizeRoutes,
  introspectionRoutes,
  signoffRoutes,
  userinfoRoutes,
  asNotFoundRoutes,
];
