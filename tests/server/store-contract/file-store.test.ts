/**
 * The file store keeps the store contract, live and after a restart (its
 * data reopened from the log).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore } from '../../../server/store/file-store';
import { describeStoreContract } from './contract';

const dirs: string[] = [];
afterAll(() =>
  Promise.all(dirs.map(dir => rm(dir, { recursive: true, force: true })))
);

describeStoreContract('file store', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'trail-store-contract-'));
  dirs.push(dir);
  const open = () =>
    FileStore.open(dir, { warnings: { warn: () => undefined } });
  let current = await open();
  return {
    store: current,
    async reopen() {
      await current.close();
      current = await open();
      return current;
    }
  };
});
