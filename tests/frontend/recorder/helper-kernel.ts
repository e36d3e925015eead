/**
 * A fake kernel connection that also accepts what the kernel helper sends
 * (execute requests and comm messages) and helper messages to emit back.
 */
import { KernelMessage } from '@jupyterlab/services';
import type { IKernelFixture } from './fixtures';
import { FakeKernel } from './fake-kernel';

/**
 * Kernel info of an R kernel, which gets no helper.
 */
export const R_INFO = {
  status: 'ok',
  protocol_version: '5.3',
  implementation: 'IRkernel',
  implementation_version: '1.3',
  language_info: { name: 'R', version: '4.3.1', file_extension: '.r' },
  banner: 'R',
  help_links: []
} as unknown as KernelMessage.IInfoReply;

export class HelperFakeKernel extends FakeKernel {
  constructor(
    fixture: Pick<IKernelFixture, 'kernel'>,
    info?: Promise<KernelMessage.IInfoReply>
  ) {
    super(fixture, info);
  }

  readonly username = 'tester';
  readonly clientId = 'client-1';
  /** Every message the code under test sent, in order. */
  readonly sent: KernelMessage.IMessage[] = [];

  requestExecute(
    content: KernelMessage.IExecuteRequestMsg['content'],
    disposeOnDone?: boolean,
    metadata?: Record<string, unknown>
  ): { done: Promise<KernelMessage.IExecuteReplyMsg> } {
    const msg = KernelMessage.createMessage<KernelMessage.IExecuteRequestMsg>({
      msgType: 'execute_request',
      channel: 'shell',
      username: this.username,
      session: this.clientId,
      content,
      metadata: metadata as KernelMessage.IExecuteRequestMsg['metadata']
    });
    this._send(msg);
    const reply = {
      content: { status: 'ok', execution_count: null }
    } as unknown as KernelMessage.IExecuteReplyMsg;
    if (!this.holdReplies) {
      return { done: Promise.resolve(reply) };
    }
    return {
      done: new Promise(resolve => this._held.push(() => resolve(reply)))
    };
  }

  /**
   * Whether execute requests stay unanswered until `answerHeld()`, as
   * those a connection holds while a kernel restarts.
   */
  holdReplies = false;

  /** Answers the execute requests held so far. */
  answerHeld(): void {
    const held = this._held;
    this._held = [];
    held.forEach(answer => answer());
  }

  sendShellMessage(msg: KernelMessage.IMessage): { done: Promise<void> } {
    this._send(msg);
    return { done: Promise.resolve() };
  }

  /** The messages sent of one type. */
  sentOf(type: string): KernelMessage.IMessage[] {
    return this.sent.filter(msg => msg.header.msg_type === type);
  }

  /** The comm id of the latest comm_open sent. */
  get commId(): string {
    const opens = this.sentOf('comm_open');
    return (opens[opens.length - 1]?.content as { comm_id: string }).comm_id;
  }

  /** Emits a helper message on iopub, as the kernel helper sends it. */
  helperSays(
    data: Record<string, unknown>,
    options: { parent?: string; commId?: string } = {}
  ): void {
    this.anyMessage.emit({
      direction: 'recv',
      msg: {
        channel: 'iopub',
        header: {
          msg_id: `helper-${++this._count}`,
          msg_type: 'comm_msg',
          session: 'kernel',
          username: 'kernel',
          date: new Date().toISOString(),
          version: '5.3'
        },
        parent_header: options.parent ? { msg_id: options.parent } : {},
        metadata: {},
        content: {
          comm_id: options.commId ?? this.commId,
          data: { trail: 1, ...data }
        }
      } as unknown as KernelMessage.IMessage
    });
  }

  /** Emits a received shell or iopub message of a type with some content. */
  receive(
    channel: 'shell' | 'iopub',
    type: string,
    content: Record<string, unknown>,
    parent?: string
  ): void {
    this.anyMessage.emit({
      direction: 'recv',
      msg: {
        channel,
        header: {
          msg_id: `kernel-${++this._count}`,
          msg_type: type,
          session: 'kernel',
          username: 'kernel',
          date: new Date().toISOString(),
          version: '5.3'
        },
        parent_header: parent ? { msg_id: parent } : {},
        metadata: {},
        content
      } as unknown as KernelMessage.IMessage
    });
  }

  private _send(msg: KernelMessage.IMessage): void {
    this.sent.push(msg);
    this.anyMessage.emit({ direction: 'send', msg });
  }

  private _count = 0;
  private _held: (() => void)[] = [];
}
