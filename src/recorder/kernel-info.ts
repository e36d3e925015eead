/**
 * The KernelInfo of a session record, from what the kernel connection
 * already knows (its model and the kernel_info_reply JupyterLab requested).
 */
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import type { KernelInfo } from '../records/schema';

/**
 * Builds the KernelInfo of a session.
 *
 * @param kernel - the observed connection (for its id and name).
 * @param reply - the kernel_info_reply content, or null when it never came.
 * @param displayName - the kernel spec's display name, when the caller knows it.
 */
export function kernelInfoOf(
  kernel: Kernel.IKernelConnection,
  reply: KernelMessage.IInfoReply | null,
  displayName?: string
): KernelInfo {
  const info: KernelInfo = { name: limit(kernel.name, 200) || 'unknown' };
  setText(info, 'id', kernel.id, 200);
  setText(info, 'displayName', displayName, 500);
  if (reply !== null) {
    setText(info, 'language', reply.language_info?.name, 200);
    setText(info, 'languageVersion', reply.language_info?.version, 200);
    setText(info, 'implementation', reply.implementation, 200);
    setText(info, 'implementationVersion', reply.implementation_version, 200);
    setText(info, 'protocolVersion', reply.protocol_version, 50);
  }
  return info;
}

/**
 * Sets an optional text field only when there is a value, cut to the
 * schema's maximum length so the server never rejects the session.
 */
function setText(
  info: KernelInfo,
  key: Exclude<keyof KernelInfo, 'name'>,
  value: unknown,
  maxLength: number
): void {
  if (typeof value === 'string' && value !== '') {
    info[key] = limit(value, maxLength);
  }
}

function limit(value: unknown, maxLength: number): string {
  const text = typeof value === 'string' ? value : '';
  return text.length > maxLength ? text.slice(0, maxLength) : text;
}
