import type { FastifyTypebox, TesseraContext } from '../http/context.js';
import type { Hal } from '../pingone-common/hal.js';

/** What the management API's route modules receive: the app's context plus PingOne's HAL links. */
export interface PingOneContext extends TesseraContext {
  readonly hal: Hal;
}

export type PingOneRoutes = (app: FastifyTypebox, context: PingOneContext) => void;
