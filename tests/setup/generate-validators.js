/**
 * Jest's global setup: writes the generated modules that are not committed
 * from their sources as they are now, so the tests never need a build first
 * and never test a stale copy: the client's response validators
 * (src/_generated/response-validators.ts, from the schemas), the version
 * (src/_generated/version.ts, from package.json) and the run filter's parser
 * (src/_generated/filter-parser.ts, from its grammar). Each generator rewrites
 * its file only when it changed.
 */
const { execFileSync } = require('child_process');
const { join } = require('path');

const SCRIPTS = join(__dirname, '..', '..', 'scripts');

module.exports = function generateValidators() {
  for (const script of [
    'build-version.mjs',
    'build-response-validators.mjs',
    'build-filter-parser.mjs'
  ]) {
    execFileSync(process.execPath, [join(SCRIPTS, script)], { stdio: 'pipe' });
  }
};
