import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/*
 * Boundaries (DEVELOPERS.md, "Boundaries"): which folder may import what. Matched on the import
 * specifier: a folder by its path segment, a package by its name.
 */
const folder = (name, message) => ({ regex: `(^|/)${name}(/|$)`, message });
const FACES = {
  pingone: folder('pingone', 'The PingOne management face is reached only through src/app.ts.'),
  pingoneAuth: folder('pingone-auth', 'The PingOne auth face is reached only through src/app.ts.'),
  uipath: folder('uipath', 'The UiPath face is reached only through src/app.ts.'),
  testing: folder('testing', 'The testing face is reached only through src/app.ts.'),
};
const PINGONE_COMMON = folder('pingone-common', 'PingOne wire code is for the PingOne faces only.');
const ANY_PINGONE = folder('pingone[^/]*', 'The UiPath face shares nothing with the PingOne faces.');
const FRAMEWORK = [
  { regex: '^(fastify|@sinclair/typebox)(/|$)', message: 'The core knows nothing of HTTP or schemas.' },
  { regex: '^@fastify/', message: 'The core knows nothing of HTTP.' },
];
const HTTP = folder('http', 'Only the faces and src/app.ts use the shared HTTP layer.');
const DB = folder('db', 'Faces never see the database: services own transactions (call a core service).');
const DRIVERS = {
  regex: '^(better-sqlite3|pg)(/|$)',
  message:
    'Only src/db/dialect.ts, src/db/store.ts and the SQLite worker threads talk to the database drivers.',
};
// On Node 20 a single `run` of any AsyncLocalStorage turns on promise hooks for the rest of the
// process, making every await of every request dearer (docs/architecture.md, "The caller is
// passed"): pass what a call needs instead.
const ASYNC_CONTEXT = {
  name: 'node:async_hooks',
  importNames: ['AsyncLocalStorage'],
  message: 'Pass the context explicitly: AsyncLocalStorage slows every later await on Node 20.',
};
const boundary = (files, patterns, ignores = []) => ({
  files,
  ignores,
  rules: { 'no-restricted-imports': ['error', { patterns, paths: [ASYNC_CONTEXT] }] },
});
const ALL_FACES = [...Object.values(FACES), PINGONE_COMMON];
const DB_FILES = [
  'src/db/dialect.ts',
  'src/db/store.ts',
  'src/db/sqlite-read-worker.ts',
  'src/db/wal-checkpoint-worker.ts',
];
const boundaries = [
  // Anything not named below (a new folder) at least keeps away from the drivers.
  boundary(['src/**/*.ts'], [DRIVERS], ['src/app.ts', 'src/main.ts']),
  boundary(['src/core/**/*.ts'], [DRIVERS, ...FRAMEWORK, HTTP, ...ALL_FACES]),
  boundary(['src/config/**/*.ts', 'src/db/**/*.ts'], [DRIVERS, HTTP, ...ALL_FACES], DB_FILES),
  boundary(DB_FILES, [HTTP, ...ALL_FACES]),
  boundary(['src/http/**/*.ts'], [DRIVERS, ...ALL_FACES]),
  boundary(['src/pingone-common/**/*.ts'], [DRIVERS, DB, ...Object.values(FACES)]),
  boundary(['src/pingone/**/*.ts'], [DRIVERS, DB, FACES.pingoneAuth, FACES.uipath, FACES.testing]),
  boundary(['src/pingone-auth/**/*.ts'], [DRIVERS, DB, FACES.pingone, FACES.uipath, FACES.testing]),
  boundary(['src/uipath/**/*.ts'], [DRIVERS, DB, ANY_PINGONE, FACES.testing]),
  // The test mailbox answers in PingOne's envelope (it is reached with PingOne tokens).
  boundary(['src/testing/**/*.ts'], [DRIVERS, DB, FACES.pingone, FACES.pingoneAuth, FACES.uipath]),
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'data/**',
      '.tmp/**',
      'scripts/**/*.mjs',
      'test/package/*.mjs',
      'test/fixtures/**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's it/describe return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['it', 'describe', 'test', 'suite', 'before', 'after'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      // A `default:` branch is a deliberate catch-all (e.g. parser operators we do not support).
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      eqeqeq: ['error', 'smart'],
      'no-console': 'error',
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      'no-console': 'off',
    },
  },
  {
    // Kysely's documented migration signature: migrations must not depend on today's schema types.
    files: ['src/db/migrations/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  ...boundaries,
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
