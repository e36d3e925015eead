/**
 * The memory store (the unit tests' store) keeps the store contract, so a
 * test over it says what the file store would do.
 */
import { MemoryStore } from '../../../server/store/memory-store';
import { describeStoreContract } from './contract';

describeStoreContract('memory store', async () => ({
  store: new MemoryStore()
}));
