/**
 * Kernel message captures made by scripts/capture-kernel-messages.mjs
 * against a real ipykernel.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import type { KernelMessage } from '@jupyterlab/services';

/**
 * One captured signal emission.
 */
export type IFixtureEvent =
  | {
      t: number;
      type: 'message';
      direction: 'send' | 'recv';
      msg: KernelMessage.IMessage;
    }
  | { t: number; type: 'status' | 'connectionStatus'; status: string };

/**
 * One captured scenario.
 */
export interface IKernelFixture {
  scenario: string;
  description: string;
  kernel: { id: string; name: string; info: KernelMessage.IInfoReply };
  events: IFixtureEvent[];
}

const fixtureDir = join(__dirname, '..', '..', 'fixtures', 'kernel');

/**
 * Loads a fixture by scenario name.
 */
export function loadFixture(name: string): IKernelFixture {
  return JSON.parse(
    readFileSync(join(fixtureDir, `${name}.json`), 'utf8')
  ) as IKernelFixture;
}

/**
 * The captured messages, in order.
 */
export function messagesOf(fixture: IKernelFixture): KernelMessage.IMessage[] {
  const messages: KernelMessage.IMessage[] = [];
  for (const event of fixture.events) {
    if (event.type === 'message') {
      messages.push(event.msg);
    }
  }
  return messages;
}

/**
 * The execute_requests sent, in order.
 */
export function requestsOf(
  fixture: IKernelFixture
): KernelMessage.IExecuteRequestMsg[] {
  return messagesOf(fixture).filter(
    msg => msg.header.msg_type === 'execute_request'
  ) as KernelMessage.IExecuteRequestMsg[];
}

/**
 * The received message of a type whose parent is `msgId`.
 */
export function childOf(
  fixture: IKernelFixture,
  msgId: string,
  type: string,
  state?: string
): KernelMessage.IMessage {
  const found = messagesOf(fixture).find(
    msg =>
      (msg.parent_header as Partial<KernelMessage.IHeader>).msg_id === msgId &&
      msg.header.msg_type === type &&
      (state === undefined ||
        (msg.content as { execution_state?: string }).execution_state === state)
  );
  if (found === undefined) {
    throw new Error(
      `no ${type} ${state ?? ''} for ${msgId} in ${fixture.scenario}`
    );
  }
  return found;
}

/**
 * The ISO date (millisecond precision) of a kernel header date.
 */
export function isoOf(date: string): string {
  return new Date(Date.parse(date)).toISOString();
}
