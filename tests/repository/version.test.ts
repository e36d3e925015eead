/**
 * Trail has one version, package.json's. The server answers it (and the
 * bundled server embeds it), the Python package is built with it
 * (pyproject.toml reads it from package.json) and reports it once installed,
 * the extension reads it from src/_generated/version.ts (generated from
 * package.json) and the kernel helper gets it written in by the join. No
 * other file states it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import request from 'supertest';
import { findPackageVersion } from '../../server/version';
import { PACKAGE_VERSION } from '../../src/_generated/version';
import { openFileApp, removeTempDirs, tempDir } from '../server/support/server';

const ROOT = join(__dirname, '..', '..');
const VERSION: string = JSON.parse(
  readFileSync(join(ROOT, 'package.json'), 'utf8')
).version;
const VENV_PYTHON = join(ROOT, '.venv', 'bin', 'python');
const PYTHON = existsSync(VENV_PYTHON) ? VENV_PYTHON : 'python3';
const BUNDLE = join(ROOT, 'jupyterlab_trail', 'server', 'trail-server.cjs');

afterAll(removeTempDirs);

/** The version as a literal: not part of a longer number or word. */
const LITERAL = new RegExp(
  `(?<![\\w.])${VERSION.replace(/\./g, '\\.')}(?![\\w.])`
);

/** Files that may hold the version literal: the source, and lockfiles. */
const MAY_STATE_IT = new Set(['package.json', 'yarn.lock']);

/**
 * The rules over records' tests: their versions are data of recorded
 * environments (a package at some version), never Trail's own.
 */
const RECORD_DATA = /^tests\/records\//;

/** Text files a version literal could hide in. */
const TEXT_FILE =
  /\.(?:[cm]?js|tsx?|py|json|md|toml|txt|sh|ya?ml|cfg|ini|html|css|ipynb)$/;

/** The files of the tree (committed or not, ignored ones aside). */
function treeFiles(): string[] {
  return execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }
  )
    .split('\0')
    .filter(path => path !== '' && existsSync(join(ROOT, path)));
}

/** What a Python one-liner prints, run in `cwd`. */
function python(args: string[], cwd: string): string {
  return execFileSync(PYTHON, args, { cwd, encoding: 'utf8' }).trim();
}

describe('one version, package.json’s', () => {
  it('is a version', () => {
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('is stated by no file but package.json (derive it; a fixture meaning another version picks another number)', () => {
    const stating = treeFiles().filter(
      path =>
        TEXT_FILE.test(path) &&
        !MAY_STATE_IT.has(basename(path)) &&
        !RECORD_DATA.test(path) &&
        LITERAL.test(readFileSync(join(ROOT, path), 'utf8'))
    );
    expect(stating).toEqual([]);
  });

  it('catches a version literal, quoted or not (the scan above works)', () => {
    expect(LITERAL.test(`const V = '${VERSION}';`)).toBe(true);
    expect(LITERAL.test(`__version__ = "${VERSION}"`)).toBe(true);
    expect(LITERAL.test(`openapi: '3.${VERSION}'`)).toBe(false);
  });

  it('is what the extension reads (src/_generated/version.ts)', () => {
    expect(PACKAGE_VERSION).toBe(VERSION);
  });

  it('is what the kernel helper says (the join writes it in)', () => {
    const joined = execFileSync(
      process.execPath,
      [join(ROOT, 'scripts', 'build-helper.mjs'), '--stdout'],
      { encoding: 'utf8' }
    );
    const stated = joined.match(/^__version__ = (.*)$/gm);
    expect(stated).toEqual([`__version__ = ${JSON.stringify(VERSION)}`]);
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
