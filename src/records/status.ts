/**
 * How an execution ended, beyond its status. The status enum has no value
 * for a kernel that died under a cell (out of memory, a crash in native
 * code, `os._exit`): such an execution did not run to its end, so it is
 * `interrupted`, like one a person stopped, and its `error` names the
 * death with the name papermill and nbclient give it.
 */
import type { ExecutionRecord } from './schema';

/** The `error` of an execution the kernel died under. */
export const KERNEL_DIED: Readonly<NonNullable<ExecutionRecord['error']>> = {
  ename: 'DeadKernelError',
  evalue: 'The kernel died while this cell was running.'
};

/** Whether the kernel died while the execution ran. */
export function kernelDiedDuring(
  execution: Pick<ExecutionRecord, 'status' | 'error'>
): boolean {
  return (
    execution.status === 'interrupted' &&
    execution.error?.ename === KERNEL_DIED.ename
  );
}
