/** The package's library entry: `import { startTessera } from '@tessera-idp/server'`. */
export {
  LIBRARY_BOOTSTRAP,
  startTessera,
  type DatabaseLocation,
  type StartTesseraOptions,
  type TesseraInstance,
} from './start-tessera.js';
