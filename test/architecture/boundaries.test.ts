import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

const root = fileURLToPath(new URL('../..', import.meta.url));
// The boundary rule reads import specifiers only; type information would need the files on disk.
const eslint = new ESLint({ cwd: root, overrideConfig: tseslint.configs.disableTypeChecked });

/** The boundary complaints `npm run lint` would raise for `code` saved at `filePath`. */
async function refusals(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}/${filePath}` });
  assert.ok(result, 'ESLint linted the text');
  const fatal = result.messages.filter((m) => m.fatal);
  assert.deepEqual(fatal, [], 'the synthetic source parses');
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const refused = async (filePath: string, code: string) =>
  assert.notDeepEqual(await refusals(filePath, code), [], `${filePath} may not: ${code}`);
const allowed = async (filePath: string, code: string) =>
  assert.deepEqual(await refusals(filePath, code), [], `${filePath} may: ${code}`);

describe('import boundaries (eslint.config.js)', () => {
  it('keeps HTTP, schemas, faces and drivers out of the core', async () => {
    await refused('src/core/users/probe.ts', "import Fastify from 'fastify';\nexport const f = Fastify;\n");
    await refused(
      'src/core/users/probe.ts',
      "import type { FastifyRequest } from 'fastify';\nexport type R = FastifyRequest;\n",
    );
    await refused(
      'src/core/users/probe.ts',
      "import { Type } from '@sinclair/typebox';\nexport const t = Type;\n",
    );
    await refused('src/core/users/probe.ts', "export { actorOf } from '../../http/actor.js';\n");
    await refused('src/core/users/probe.ts', "export { Hal } from '../../pingone-common/hal.js';\n");
    await refused('src/core/users/probe.ts', "export { uipathFace } from '../../uipath/plugin.js';\n");
    await refused('src/core/users/probe.ts', "import pg from 'pg';\nexport const p = pg;\n");
    await allowed(
      'src/core/users/probe.ts',
      "import { DomainError } from '../shared/errors.js';\nimport type { Db } from '../../db/schema.js';\nexport type D = Db;\nexport const e = DomainError;\n",
    );
  });

  it('refuses AsyncLocalStorage anywhere in src (promise hooks slow every later await on Node 20)', async () => {
    const als =
      "import { AsyncLocalStorage } from 'node:async_hooks';\nexport const s = new AsyncLocalStorage();\n";
    await refused('src/core/passwords/probe.ts', als);
    await refused('src/http/probe.ts', als);
    await refused('src/pingone/probe.ts', als);
    await refused('src/db/probe.ts', als);
    await allowed(
      'src/core/passwords/probe.ts',
      "import { executionAsyncId } from 'node:async_hooks';\nexport const id = executionAsyncId;\n",
    );
  });

  it('keeps the faces apart', async () => {
    await refused('src/uipath/users/probe.ts', "export { pingOneFace } from '../../pingone/plugin.js';\n");
    await refused('src/uipath/probe.ts', "export { Hal } from '../pingone-common/hal.js';\n");
    await refused('src/uipath/probe.ts', "export { testingRoutes } from '../testing/mailbox.routes.js';\n");
    await refused('src/pingone/probe.ts', "export { uipathFace } from '../uipath/plugin.js';\n");
    await refused('src/pingone/users/probe.ts', "export * from '../../pingone-auth/plugin.js';\n");
    await refused('src/pingone-auth/probe.ts', "export { pingOneFace } from '../pingone/plugin.js';\n");
    await refused('src/testing/probe.ts', "export { uipathFace } from '../uipath/plugin.js';\n");
    await refused('src/pingone-common/probe.ts', "export { pingOneFace } from '../pingone/plugin.js';\n");
    await allowed('src/pingone/users/probe.ts', "export { Hal } from '../../pingone-common/hal.js';\n");
    await allowed('src/pingone-auth/probe.ts', "export { Hal } from '../pingone-common/hal.js';\n");
    await allowed('src/uipath/probe.ts', "export { actorOf } from '../http/actor.js';\n");
  });

  it('keeps the database away from the faces (services own transactions)', async () => {
    await refused(
      'src/uipath/users/probe.ts',
      "import type { Db } from '../../db/schema.js';\nexport type D = Db;\n",
    );
    await refused('src/pingone/users/probe.ts', "export { openStore } from '../../db/store.js';\n");
    await refused(
      'src/pingone-auth/probe.ts',
      "import type { Db } from '../db/schema.js';\nexport type D = Db;\n",
    );
    await refused(
      'src/testing/probe.ts',
      "import type { Db } from '../db/schema.js';\nexport type D = Db;\n",
    );
    await refused(
      'src/pingone-common/probe.ts',
      "import type { Db } from '../db/schema.js';\nexport type D = Db;\n",
    );
    await allowed(
      'src/core/users/probe.ts',
      "import type { Db } from '../../db/schema.js';\nexport type D = Db;\n",
    );
  });

  it('keeps the shared HTTP layer face-neutral', async () => {
    await refused('src/http/probe.ts', "export { sendUiPathError } from '../uipath/errors.js';\n");
    await refused('src/http/probe.ts', "export { pingOneFace } from '../pingone/plugin.js';\n");
    await refused('src/http/probe.ts', "export { sendPingOneError } from '../pingone-common/errors.js';\n");
    await allowed(
      'src/http/probe.ts',
      "import type { FastifyRequest } from 'fastify';\nexport { DomainError } from '../core/shared/errors.js';\nexport type R = FastifyRequest;\n",
    );
  });

  it('lets only the dialect and the store open the drivers, and the composition root import anything', async () => {
    await refused(
      'src/db/prepared.ts',
      "import Database from 'better-sqlite3';\nexport const d = Database;\n",
    );
    await refused('src/pingone/probe.ts', "import pg from 'pg';\nexport const p = pg;\n");
    await allowed(
      'src/db/dialect.ts',
      "import Database from 'better-sqlite3';\nexport const d = Database;\n",
    );
    await allowed(
      'src/app.ts',
      "export { pingOneFace } from './pingone/plugin.js';\nexport { uipathFace } from './uipath/plugin.js';\n",
    );
  });
});
