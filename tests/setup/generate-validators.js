/**
 * Jest's global setup: writes the client's generated response validators
 * (src/_generated/response-validators.ts, not committed) from the schemas
 * as they are now, so the tests never need a build first and never test a
 * stale copy. The generator rewrites the file only when it changed.
 */
const { execFileSync } = require('child_process');
const { join } = require('path');

module.exports = function generateValidators() {
  const script = join(
    __dirname,
    '..',
    '..',
    'scripts',
    'build-response-validators.mjs'
  );
  execFileSync(process.execPath, [script], { stdio: 'pipe' });
};
