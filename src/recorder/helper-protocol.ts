/**
 * The browser's half of the kernel helper protocol
 * (jupyterlab_trail/kernel/PROTOCOL.md): which kernels get the helper, the
 * injection code, and the messages the helper sends back.
 */
import type { KernelMessage, KernelSpec } from '@jupyterlab/services';
import type { EnvironmentSnapshot, ExecutionCapture } from '../records/schema';

/**
 * The comm target the helper registers in the kernel.
 */
export const HELPER_COMM_TARGET = 'jupyterlab_trail';

/**
 * The helper's configuration, sent at injection, with the comm open and
 * whenever it changes (`{"type": "config", ...}`).
 */
export interface IHelperConfig {
  /** false: paused, or the notebook opted out; the helper captures nothing. */
  recording: boolean;
  /** Cell ids whose executions get no capture (the `trail-skip` tag). */
  skipCells: string[];
}

/**
 * Whether a kernel gets the helper: only IPython kernels speaking Python.
 */
export function isHelperKernel(
  info: KernelMessage.IInfoReply | null | undefined
): boolean {
  return (
    !!info &&
    info.implementation === 'ipython' &&
    info.language_info?.name === 'python'
  );
}

/**
 * Whether a kernel spec starts an IPython kernel (ipykernel) for Python:
 * such a kernel gets the helper before its kernel info is known, so that
 * the injection goes ahead of the first execution sent to it.
 *
 * #### Notes
 * Strict on purpose: only a spec whose `argv` runs `ipykernel_launcher`
 * (or `-m ipykernel`) counts. Any other kernel waits for its kernel info
 * ({@link isHelperKernel}).
 */
export function isHelperKernelSpec(
  spec: KernelSpec.ISpecModel | null | undefined
): boolean {
  if (!spec || String(spec.language).toLowerCase() !== 'python') {
    return false;
  }
  const argv = Array.isArray(spec.argv) ? spec.argv : [];
  return argv.some(
    (arg, i) =>
      typeof arg === 'string' &&
      (/(^|[\\/])ipykernel_launcher(\.py)?$/.test(arg) ||
        (arg === 'ipykernel' && argv[i - 1] === '-m'))
  );
}

/**
 * The code of the silent execute_request that loads the helper, exactly as
 * PROTOCOL.md §1 gives it: `source` as a JSON string literal (a valid
 * Python string) and the config as a Python str holding JSON; no trailing
 * newline. `jupyterlab_trail.kernel.bootstrap_code` builds the same text.
 */
export function bootstrapCode(source: string, config: IHelperConfig): string {
  return [
    'def __trail_load(source, config):',
    '    import sys, types',
    '    module = sys.modules.get("trail")',
    '    if module is None or not getattr(module, "__trail_helper__", False):',
    '        module = types.ModuleType("trail")',
    '        module.__file__ = "<trail>"',
    '        exec(compile(source, "<trail>", "exec"), module.__dict__)',
    '    module._trail_bootstrap(module, config)',
    `__trail_load(${JSON.stringify(source)}, ${JSON.stringify(
      JSON.stringify(config)
    )})`,
    'del __trail_load'
  ].join('\n');
}

/**
 * A message from the helper, as carried in a `comm_msg`'s `data`.
 */
export type HelperMessage =
  | { type: 'hello'; version: string; pid: number }
  | {
      type: 'capture';
      msgId: string;
      cellId: string | null;
      capture: ExecutionCapture;
      final: boolean;
    }
  | {
      type: 'environment';
      reason: 'start' | 'packages-changed';
      msgId: string | null;
      environment: EnvironmentSnapshot;
    }
  | { type: 'warning'; message: string };

/**
 * The helper message a kernel message carries, or null when it is not one:
 * only iopub `comm_msg`s whose data has `trail: 1` and a known type.
 */
export function helperMessageOf(
  msg: KernelMessage.IMessage
): HelperMessage | null {
  if (msg.header.msg_type !== 'comm_msg' || msg.channel !== 'iopub') {
    return null;
  }
  const data = (msg.content as { data?: unknown })?.data as
    Record<string, unknown> | undefined;
  if (!isRecord(data) || data.trail !== 1) {
    return null;
  }
  switch (data.type) {
    case 'hello':
      return {
        type: 'hello',
        version: String(data.version ?? ''),
        pid: typeof data.pid === 'number' ? data.pid : 0
      };
    case 'capture':
      if (typeof data.msgId !== 'string' || !isRecord(data.capture)) {
        return null;
      }
      return {
        type: 'capture',
        msgId: data.msgId,
        cellId: typeof data.cellId === 'string' ? data.cellId : null,
        capture: data.capture as ExecutionCapture,
        final: data.final !== false
      };
    case 'environment':
      if (!isRecord(data.environment)) {
        return null;
      }
      return {
        type: 'environment',
        reason:
          data.reason === 'packages-changed' ? 'packages-changed' : 'start',
        msgId: typeof data.msgId === 'string' ? data.msgId : null,
        environment: data.environment as unknown as EnvironmentSnapshot
      };
    case 'warning':
      return { type: 'warning', message: String(data.message ?? '') };
    default:
      return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
