/**
 * Four jest projects: the frontend (jsdom, JupyterLab's jest preset), the
 * server (plain Node, over the file store), the server again over
 * PostgreSQL with blobs in S3 (`server-postgres`: the same API tests and
 * the store contract, on one cluster and one moto server started by its
 * global setup) and the records floor (plain Node: the rules that both
 * sides share). All read tests from tests/.
 */
const jestJupyterLab = require('@jupyterlab/testutils/lib/jest-config');

const esModules = [
  '@codemirror',
  '@jupyterlab/',
  '@jupyter/ydoc',
  '@jupyter/react-components',
  '@jupyter/web-components',
  '@microsoft/fast',
  'exenv-es6',
  'hyparquet',
  'idb',
  'lib0',
  'lowdb',
  'marked',
  'nanoid',
  'steno',
  'vscode-ws-jsonrpc',
  'y-protocols',
  'y-websocket',
  'yjs'
].join('|');

// These are global options, not per-project ones (jest warns otherwise).
// eslint-disable-next-line @typescript-eslint/no-unused-vars
const { testTimeout, reporters, coverageReporters, ...base } =
  jestJupyterLab(__dirname);

const serverTransform = {
  '\\.[jt]sx?$': [
    'ts-jest',
    { tsconfig: 'tsconfig.test.json', isolatedModules: true }
  ]
};

/**
 * Server test files that `server-postgres` does not run again, and why:
 * each tests the file store's own machinery (which PostgreSQL does not
 * have) or no backend at all (a second run would test nothing new).
 */
const notOnPostgres = {
  // The file store's log: torn tails, segment formats, blobs in the log.
  'recovery.test.ts': 'file store log recovery after a crash',
  'recovery-blobs.test.ts': 'blobs written into the file store log',
  'recovery-formats.test.ts': 'older on-disk log formats',
  'store-internals.test.ts': 'FileStore segments and indexes',
  'body-build.test.ts': "FileStore's background pass over log bodies",
  'read-batch.test.ts': 'merged range reads of log segments',
  // ENOSPC injected into file writes (inject-enospc.cjs).
  'disk-full.test.ts': 'a full disk under the file store',
  'access-disk-full.test.ts': 'a full disk under access.log',
  // users.json and its admin CLI (PostgreSQL's: tests/server/postgres/).
  'access-directory.test.ts': 'UserDirectory (users.json) and its CLI',
  // The process over a data folder: its lock, kill -9 of the log writer.
  'cli.test.ts': 'the data-folder lock and file store durability',
  // No backend: pure units the server project already runs.
  'search-text-index.test.ts': 'the in-memory text index (no store)',
  'recent-steps.test.ts': 'a memory cache over a stub store',
  'signal.test.ts': 'the Signal class',
  'ingest-followers.test.ts': 'ingest followers over the memory store',
  // The other backends' contract runs.
  'store-contract/file-store.test.ts': 'the contract on the file store',
  'store-contract/memory-store.test.ts': 'the contract on the memory store'
};

module.exports = {
  testTimeout: 30000,
  // The generated modules (response validators, version) are not committed.
  globalSetup: '<rootDir>/tests/setup/generate-validators.js',
  projects: [
    {
      ...base,
      displayName: 'frontend',
      testRegex: 'tests/frontend/.*\\.test\\.tsx?$',
      transformIgnorePatterns: [`/node_modules/(?!${esModules}).+`],
      setupFiles: [
        ...(base.setupFiles || []),
        '<rootDir>/tests/setup/structured-clone.js',
        'fake-indexeddb/auto'
      ]
    },
    {
      displayName: 'server',
      testEnvironment: 'node',
      testRegex: 'tests/(server|schema|repository|cli)/.*\\.test\\.ts$',
      transform: serverTransform,
      transformIgnorePatterns: [`/node_modules/(?!${esModules}).+`],
      // The contract on PostgreSQL: only in server-postgres, on its cluster.
      testPathIgnorePatterns: [
        '/node_modules/',
        '<rootDir>/tests/server/store-contract/postgres-[a-z0-9-]*\\.test\\.ts$'
      ]
    },
    {
      displayName: 'server-postgres',
      testEnvironment: 'node',
      testRegex: 'tests/server/.*\\.test\\.ts$',
      testPathIgnorePatterns: [
        '/node_modules/',
        // Start their own servers; the server project runs them already.
        '<rootDir>/tests/server/postgres/',
        ...Object.keys(notOnPostgres).map(
          file => `<rootDir>/tests/server/${file.replace(/\./g, '\\.')}$`
        )
      ],
      globalSetup: '<rootDir>/tests/setup/postgres-global-setup.mjs',
      globalTeardown: '<rootDir>/tests/setup/postgres-global-teardown.mjs',
      setupFiles: ['<rootDir>/tests/setup/postgres-backend.js'],
      transform: serverTransform,
      transformIgnorePatterns: [`/node_modules/(?!${esModules}).+`]
    },
    {
      displayName: 'records',
      testEnvironment: 'node',
      testRegex: 'tests/records/.*\\.test\\.ts$',
      transform: {
        '\\.ts$': [
          'ts-jest',
          { tsconfig: 'tsconfig.test.json', isolatedModules: true }
        ]
      }
    }
  ]
};
