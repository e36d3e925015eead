/**
 * Runs a TrailRecorder over a fake kernel and collects what it emits.
 */
import type {
  ExecutionRecord,
  SessionRecord,
  TrailEvent
} from '../../../src/records/schema';
import { IObserveContext, TrailRecorder } from '../../../src/recorder';
import { FakeKernel } from './fake-kernel';
import { IKernelFixture, loadFixture } from './fixtures';

/**
 * The notebook path the harness reports.
 */
export const NOTEBOOK = 'work/demo.ipynb';

/**
 * The client the harness's recorders report.
 */
export const CLIENT = { name: 'trail-tests', version: '1.2.3' };

/**
 * A recorder observing a fake kernel, with everything it emitted.
 */
export class RecorderRun {
  constructor(
    fixture: IKernelFixture,
    options: TrailRecorder.IOptions = {},
    context: Partial<IObserveContext> = {}
  ) {
    this.fixture = fixture;
    this.kernel = new FakeKernel(fixture);
    this.recorder = new TrailRecorder({ client: CLIENT, ...options });
    this.recorder.eventRecorded.connect((_, event) => this.events.push(event));
    this.recorder.observe(this.kernel.connection, {
      notebookPath: () => NOTEBOOK,
      ...context
    });
  }

  readonly fixture: IKernelFixture;
  readonly kernel: FakeKernel;
  readonly recorder: TrailRecorder;
  readonly events: TrailEvent[] = [];

  /**
   * The executions recorded, in emission order.
   */
  get executions(): ExecutionRecord[] {
    return this.events.flatMap(event =>
      event.kind === 'execution.completed' ? [event.execution] : []
    );
  }

  /**
   * The sessions recorded, in emission order.
   */
  get sessions(): SessionRecord[] {
    return this.events.flatMap(event =>
      event.kind === 'session.started' ? [event.session] : []
    );
  }

  /**
   * Replays the whole fixture once kernel info has resolved.
   */
  async replay(): Promise<this> {
    await settle();
    this.kernel.replay(this.fixture.events);
    await settle();
    return this;
  }
}

/**
 * Replays a fixture by name through a fresh recorder.
 */
export async function replayFixture(
  name: string,
  options: TrailRecorder.IOptions = {},
  context: Partial<IObserveContext> = {}
): Promise<RecorderRun> {
  return new RecorderRun(loadFixture(name), options, context).replay();
}

/**
 * Lets pending promise callbacks run.
 */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await Promise.resolve();
  }
}
