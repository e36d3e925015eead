/**
 * The store contract: one suite that every TrailStore backend runs (the
 * file store and the memory store now, a database later), so that the
 * services may take any of them. A backend's test file calls
 * {@link describeStoreContract} with a maker of empty stores; what is
 * particular to one backend (its files, recovery, group commit) is tested
 * beside it, not here.
 */
import { describeAppend } from './append';
import { describeCells } from './cells';
import { describeEnvironmentsAndBlobs } from './environments';
import { describeExecutions } from './executions';
import { describeFingerprints } from './fingerprints';
import type { MakeStore } from './harness';
import { describeLookups } from './lookups';
import { describeRuns } from './runs';
import { describeSessions } from './sessions';
import { describeSteps } from './steps';

export type { MakeStore, StoreUnderTest } from './harness';

/** Runs the whole contract against stores made by `makeStore`. */
export function describeStoreContract(
  name: string,
  makeStore: MakeStore
): void {
  describe(`${name}: the store contract`, () => {
    describeAppend(makeStore);
    describeSessions(makeStore);
    describeExecutions(makeStore);
    describeCells(makeStore);
    describeEnvironmentsAndBlobs(makeStore);
    describeLookups(makeStore);
    describeSteps(makeStore);
    describeRuns(makeStore);
    describeFingerprints(makeStore);
  });
}
