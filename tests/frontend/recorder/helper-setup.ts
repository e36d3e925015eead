/**
 * Shared by the kernel helper's browser-side tests
 * (recorder-helper-injection, recorder-capture): a recorder observing a
 * fake kernel that has the helper, and the messages the helper sends.
 */
import type { KernelMessage } from '@jupyterlab/services';
import type { TrailEvent } from '../../../src/records/schema';
import { IObserveContext, TrailRecorder } from '../../../src/recorder';
import { loadFixture } from './fixtures';
import { CLIENT, NOTEBOOK } from './harness';
import { HelperFakeKernel } from './helper-kernel';

/** The helper source the recorder is given. */
export const SOURCE = 'def _trail_bootstrap(module, config):\n    pass\n';
/** A file hash. */
export const SHA = 'a'.repeat(64);
/** A capture time. */
export const AT = '2026-11-22T10:00:00.000Z';
/** The spec `python -m ipykernel install` writes. */
export const IPYKERNEL_SPEC = {
  name: 'python3',
  display_name: 'Python 3 (ipykernel)',
  language: 'python',
  argv: ['python', '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
  env: {},
  metadata: {},
  resources: {}
};

/**
 * A recorder observing a fake ipykernel that has the helper; the events it
 * emits are collected.
 */
export function setup(
  options: {
    info?: KernelMessage.IInfoReply;
    recorder?: TrailRecorder.IOptions;
    context?: Partial<IObserveContext>;
  } = {}
) {
  const fixture = loadFixture('simple-print');
  const kernel = new HelperFakeKernel(
    fixture,
    options.info ? Promise.resolve(options.info) : undefined
  );
  const recorder = new TrailRecorder({
    client: CLIENT,
    injectHelper: true,
    helperSource: SOURCE,
    excludeTags: ['trail-skip'],
    ...options.recorder
  });
  const events: TrailEvent[] = [];
  recorder.eventRecorded.connect((_, event) => events.push(event));
  recorder.observe(kernel.connection, {
    notebookPath: () => NOTEBOOK,
    ...options.context
  });
  return { fixture, kernel, recorder, events };
}

/** An environment snapshot as the helper sends it. */
export function environment(
  packages: [string, string][] = [['pandas', '3.1.1']]
) {
  return {
    capturedAt: AT,
    language: { name: 'python', version: '3.11.7', implementation: 'CPython' },
    platform: { system: 'Linux', machine: 'x86_64' },
    packages: packages.map(([name, version]) => ({ name, version })),
    git: { commit: 'abc123', branch: 'main', dirty: false }
  };
}

/** A CSV read, its hash pending when `sha256` is null. */
export function csvRead(sha256: string | null) {
  return {
    path: 'data/iris.csv',
    access: 'read',
    kind: 'file',
    size: 120,
    mtime: AT,
    sha256,
    hashPending: sha256 === null,
    schema: {
      format: 'csv',
      columns: [
        { name: 'sepal', type: 'float64' },
        { name: 'species', type: 'object' }
      ]
    }
  };
}
