/**
 * Helpers to replay part of a capture, or to add a message to it.
 */
import type { KernelMessage } from '@jupyterlab/services';
import type { TrailEvent } from '../../../src/records/schema';
import type { IFixtureEvent, IKernelFixture } from './fixtures';

/**
 * The fixture's events up to (and including) the first one that matches.
 */
export function splitAt(
  fixture: IKernelFixture,
  match: (event: IFixtureEvent) => boolean
): [IFixtureEvent[], IFixtureEvent[]] {
  const index = fixture.events.findIndex(match);
  if (index < 0) {
    throw new Error('no such event');
  }
  return [fixture.events.slice(0, index + 1), fixture.events.slice(index + 1)];
}

export function isRequest(event: IFixtureEvent, cellId?: string): boolean {
  return (
    event.type === 'message' &&
    event.msg.header.msg_type === 'execute_request' &&
    (cellId === undefined ||
      (event.msg.metadata as { cellId?: string }).cellId === cellId)
  );
}

export function isBusyFor(event: IFixtureEvent, msgId: string): boolean {
  return (
    event.type === 'message' &&
    event.msg.header.msg_type === 'status' &&
    (event.msg.content as { execution_state?: string }).execution_state ===
      'busy' &&
    (event.msg.parent_header as { msg_id?: string }).msg_id === msgId
  );
}

export function kinds(events: TrailEvent[]): string[] {
  return events.map(event => event.kind);
}

/**
 * An iopub status message that did not come from a request (as sent by a
 * starting kernel or by the server on an auto-restart).
 */
export function iopubStatus(state: string): KernelMessage.IMessage {
  return {
    channel: 'iopub',
    header: {
      msg_id: `${state}-${Date.now()}`,
      msg_type: 'status',
      session: 'kernel',
      username: 'kernel',
      date: new Date().toISOString(),
      version: '5.4'
    },
    parent_header: {},
    metadata: {},
    content: { execution_state: state }
  } as unknown as KernelMessage.IMessage;
}
