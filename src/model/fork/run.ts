/**
 * Running a fork (issue #14 item 4): a replay in fork mode whose steps run
 * only once the data contract is clean (or the user chose to run anyway),
 * after the kernel's redirects to the user's files are in place. Nothing
 * runs, so nothing is recorded, before both.
 */
import type { ContractReport, ForkMapping } from '../../records/fork/contract';
import type { Redirect } from '../replay-run/redirect';
import { ReplayRunModel } from '../replay-run/runner';

/**
 * Why a fork may not run with this contract report, or null when it may.
 */
export function forkBlocker(
  contract: ContractReport | null,
  forced: boolean
): string | null {
  if (!contract) {
    return 'The data contract of the new files has not been checked yet.';
  }
  if (contract.ok || forced) {
    return null;
  }
  const first = contract.entries
    .flatMap(entry => entry.problems)
    .find(problem => problem.level === 'error');
  const count =
    contract.errors === 1 ? 'an error' : `${contract.errors} errors`;
  return (
    `The data contract has ${count}` +
    (first ? `: ${first.message}` : '.') +
    ' Fix the mapping, or choose to run anyway.'
  );
}

/**
 * One run of a fork notebook's steps.
 */
export class ForkRunModel extends ReplayRunModel {
  constructor(options: ForkRunModel.IOptions) {
    const installed: { redirects: Redirect[] | null } = { redirects: null };
    super({
      ...options,
      mode: 'fork',
      prepare: async () => {
        installed.redirects = await options.installRedirects(
          options.substitutions
        );
      }
    });
    this._installed = installed;
    this.substitutions = options.substitutions;
    this.contract = options.contract;
    this.forced = options.forced ?? false;
  }

  /** What the fork reads in place of what. */
  readonly substitutions: readonly ForkMapping[];
  /** The contract report the run was started on. */
  readonly contract: ContractReport | null;
  /** Whether the user chose to run despite its errors. */
  readonly forced: boolean;

  /** Why the run may not start, or null. */
  get blocked(): string | null {
    return forkBlocker(this.contract, this.forced);
  }

  /** The redirects the kernel installed, once it did. */
  get redirects(): readonly Redirect[] | null {
    return this._installed.redirects;
  }

  /**
   * Run the steps, unless `blocked`: then nothing runs and the run stays
   * `ready`.
   */
  async start(): Promise<void> {
    if (this.blocked !== null) {
      return;
    }
    return super.start();
  }

  private _installed: { redirects: Redirect[] | null };
}

/** The namespace for `ForkRunModel` statics. */
export namespace ForkRunModel {
  export interface IOptions extends Omit<
    ReplayRunModel.IOptions,
    'mode' | 'prepare'
  > {
    substitutions: readonly ForkMapping[];
    contract: ContractReport | null;
    forced?: boolean;
    /** Installs the map in the kernel (see `installRedirects`). */
    installRedirects: (map: readonly ForkMapping[]) => Promise<Redirect[]>;
  }
}
