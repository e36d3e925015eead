#!/usr/bin/env node
/**
 * Bundles the `trail` command (src/cli/main.ts) into one CommonJS file,
 * jupyterlab_trail/bin/trail.cjs, that the Python console script `trail`
 * (jupyterlab_trail/replay_cli.py) runs with plain `node`: the recorder, the
 * client, the replay models and rules, @jupyterlab/services, ws and
 * commander are inside; nothing is read from node_modules at run time.
 *
 * It needs the generated modules of src/_generated (kernel helper, response
 * validators, version): `jlpm build` makes them before it runs this.
 *
 *   node scripts/bundle-cli.mjs [--outfile <path>]
 */
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const at = process.argv.indexOf('--outfile');
const outfile =
  at > 0
    ? resolve(process.argv[at + 1])
    : join(root, 'jupyterlab_trail', 'bin', 'trail.cjs');

for (const generated of [
  'kernel-helper.ts',
  'response-validators.ts',
  'version.ts'
]) {
  if (!existsSync(join(root, 'src', '_generated', generated))) {
    console.error(
      `bundle-cli: src/_generated/${generated} is missing; run \`jlpm build\` (or build:helper, build:validators, build:version) first`
    );
    process.exit(1);
  }
}

const result = await build({
  entryPoints: [join(root, 'src', 'cli', 'main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: false,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  banner: { js: '#!/usr/bin/env node' },
  // ws's optional native speed-ups: it works without them.
  external: ['bufferutil', 'utf-8-validate']
});

const bytes = Object.values(result.metafile.outputs)[0].bytes;
console.log(`bundled ${outfile} (${(bytes / 1024).toFixed(0)} KiB)`);
