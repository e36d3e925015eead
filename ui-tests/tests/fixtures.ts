import { test as base } from '@jupyterlab/galata';
import { TrailServerProcess } from './trail-server';

/**
 * Galata's test, plus `trail`: one real Trail server for the whole worker.
 */
export const test = base.extend<{}, { trail: TrailServerProcess }>({
  trail: [
    async ({}, use) => {
      const server = new TrailServerProcess();
      await server.start();
      await use(server);
      await server.stop();
    },
    { scope: 'worker', auto: true }
  ]
});

export { expect } from '@jupyterlab/galata';

/**
 * New notebooks get the Python kernel, whatever other kernels are
 * installed (the tests install a bash kernel too).
 */
export const PYTHON = { kernel: 'python3' };
