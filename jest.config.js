/**
 * Three jest projects: the frontend (jsdom, JupyterLab's jest preset), the
 * server (plain Node) and the records floor (plain Node: the rules that
 * both sides share). All read tests from tests/.
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
      transform: {
        '\\.[jt]sx?$': [
          'ts-jest',
          { tsconfig: 'tsconfig.test.json', isolatedModules: true }
        ]
      },
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
