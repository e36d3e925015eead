/**
 * Trail has one version, package.json's. The server answers it (and the
 * bundled server embeds it), the Python package is built with it
 * (pyproject.toml reads it from package.json) and reports it once installed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { findPackageVersion } from '../../server/version';
import { openFileApp, removeTempDirs, tempDir } from '../server/support/server';

const ROOT = join(__dirname, '..', '..');
const VERSION: string = JSON.parse(
  readFileSync(join(ROOT, 'package.json'), 'utf8')
).version;
const VENV_PYTHON = join(ROOT, '.venv', 'bin', 'python');
const PYTHON = existsSync(VENV_PYTHON) ? VENV_PYTHON : 'python3';
const BUNDLE = join(ROOT, 'jupyterlab_trail', 'server', 'trail-server.cjs');

afterAll(removeTempDirs);

/** What a Python one-liner prints, run in `cwd`. */
function python(args: string[], cwd: string): string {
  return execFileSync(PYTHON, args, { cwd, encoding: 'utf8' }).trim();
}

describe('one version, package.json’s', () => {
  it('is a version', () => {
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('is what the server answers and what its OpenAPI document says', async () => {
    const server = await openFileApp();
    const answer = await request(server.app).get('/api/v1/version').expect(200);
    expect(answer.body.version).toBe(VERSION);
    const openapi = await request(server.app)
      .get('/api/v1/openapi.json')
      .expect(200);
    expect(openapi.body.info.version).toBe(VERSION);
    await server.close();
  });

  (existsSync(BUNDLE) ? it : it.skip)(
    'is what the bundled server says (jlpm build:server embeds it)',
    () => {
      const said = execFileSync(process.execPath, [BUNDLE, '--version'], {
        encoding: 'utf8'
      }).trim();
      expect(said).toBe(VERSION);
    }
  );

  it('is what a build of the Python package carries', () => {
    // hatchling computes the version exactly as `pip install` and
    // `pip wheel` do, from pyproject.toml's [tool.hatch.version].
    expect(python(['-m', 'hatchling', 'version'], ROOT)).toBe(VERSION);
  });

  it('is what the installed Python package reports (reinstall it after a version change: scripts/setup.sh --force)', () => {
    // Run outside the repository, so the import is the installed package.
    const reported = python(
      ['-c', 'import jupyterlab_trail; print(jupyterlab_trail.__version__)'],
      tmpdir()
    );
    expect(reported).toBe(VERSION);
  });

  it('is found by a server run from source or server/dist, past a package.json of another name', async () => {
    const root = await tempDir();
    const dist = join(root, 'server', 'dist');
    mkdirSync(dist, { recursive: true });
    writeFileSync(
      join(root, 'package.json'),
      JSON.stringify({ name: 'jupyterlab-trail', version: '7.8.9' })
    );
    writeFileSync(
      join(root, 'server', 'package.json'),
      JSON.stringify({ name: 'something-else', version: '1.0.0' })
    );
    expect(findPackageVersion(dist)).toBe('7.8.9');
    expect(findPackageVersion(join(ROOT, 'server'))).toBe(VERSION);
  });
});
