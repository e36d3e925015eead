/**
 * One silent execute_request in a kernel, its stdout and error gathered
 * (the replay's probe and the fork's redirection both ask the kernel
 * this way). Silent requests are neither in the kernel's history nor
 * recorded by the recorder.
 */
import type { Kernel, KernelMessage } from '@jupyterlab/services';

/** What the kernel answered a silent request. */
export interface ISilentAnswer {
  /** Everything printed on stdout. */
  stdout: string;
  /** The error the request raised, if any. */
  error: KernelMessage.IErrorMsg['content'] | null;
}

/** Whether `kernel` is there and running. */
export function isRunning(
  kernel: Kernel.IKernelConnection | null | undefined
): kernel is Kernel.IKernelConnection {
  return !!kernel && !kernel.isDisposed && kernel.status !== 'dead';
}

/**
 * Runs `code` silently in `kernel` and resolves with what it printed and
 * raised.
 *
 * @throws the error of `timeoutError` when the kernel does not finish
 *   within `timeoutMs`, that of `stoppedError` when the request fails
 *   (the kernel stopped).
 */
export async function executeSilent(
  kernel: Kernel.IKernelConnection,
  code: string,
  options: {
    timeoutMs: number;
    timeoutError: () => Error;
    stoppedError: (reason: unknown) => Error;
  }
): Promise<ISilentAnswer> {
  const answer: ISilentAnswer = { stdout: '', error: null };
  const future = kernel.requestExecute({
    code,
    silent: true,
    store_history: false,
    allow_stdin: false,
    stop_on_error: false
  });
  future.onIOPub = msg => {
    if (msg.header.msg_type === 'stream') {
      const content = msg.content as KernelMessage.IStreamMsg['content'];
      if (content.name === 'stdout') {
        answer.stdout += content.text;
      }
    } else if (msg.header.msg_type === 'error') {
      answer.error = msg.content as KernelMessage.IErrorMsg['content'];
    }
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut: Error | null = null;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = options.timeoutError();
      reject(timedOut);
    }, options.timeoutMs);
  });
  try {
    await Promise.race([future.done, timeout]);
  } catch (reason) {
    if (timedOut !== null && reason === timedOut) {
      throw reason;
    }
    throw options.stoppedError(reason);
  } finally {
    clearTimeout(timer);
    if (!future.isDisposed) {
      future.dispose();
    }
  }
  return answer;
}

/** The lines of `stdout` that start with `marker`, the marker cut off. */
export function markedLines(stdout: string, marker: string): string[] {
  return stdout
    .split('\n')
    .filter(line => line.startsWith(marker))
    .map(line => line.slice(marker.length));
}
