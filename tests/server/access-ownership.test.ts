/**
 * Session ownership kept in access.log (OwnershipStore) on real temp
 * folders: the cases every keeper of the facts passes
 * (support/ownership-cases.ts).
 */
import { OwnershipStore } from '../../server/access/ownership';
import { describeOwnership } from './support/ownership-cases';
import { removeTempDirs, tempDir } from './support/server';

afterAll(removeTempDirs);

describeOwnership('access.log', async () => {
  const dir = await tempDir();
  return { open: () => OwnershipStore.open(dir) };
});
