/** The package's library entry: `import { startTessera } from '@tessera-idp/server'`. */
export {
  LIBRARY_BOOTSTRAP,
  startTessera,
  type DatabaseLocation,
  type StartTesseraOptions,
  type TesseraInstance,
  type TesseraTimeTarget,
} from './start-tessera.js';
export type * from '../core/seed/seed.js';
export { SeedFileError } from './seed-file.js';
