/**
 * A pipeline run as Trail events (#15 contract D): the capture file that
 * `jupyterlab_trail/pipeline_run.py` writes at the end of a run of an
 * exported pipeline, read defensively, and the session, environment and one
 * execution it becomes, built with the recorder's own builders
 * (ExecutionBuilder threads the run's messages like a kernel's,
 * sanitizeCapture/sanitizeEnvironment keep the helper's records to the
 * schemas, the Redactor hides secrets) so a pipeline run is recorded as a
 * notebook cell would be.
 */
import type { KernelMessage } from '@jupyterlab/services';
import {
  ExecutionBuilder,
  sanitizeCapture,
  sanitizeEnvironment
} from '../recorder';
import { Redactor, type IRedactionOptions } from '../recorder/redact';
import { uuid4 } from '../recorder/uuid';
import type {
  EnvironmentSnapshot,
  ExecutionCapture,
  ExecutionRecord,
  KernelInfo,
  Lineage,
  SessionRecord,
  TrailEvent
} from '../records/schema';
import { PACKAGE_VERSION } from '../_generated/version';
import { CliError } from './exit-codes';

/** The capture file's version this reader knows (pipeline_run.CAPTURE_VERSION). */
export const RUN_DOCUMENT_VERSION = 1;

/** session.schema.json#/definitions/id. */
const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{7,63}$/;

/** The run's status, as pipeline_run.py writes it. */
export type RunStatus = 'ok' | 'error' | 'interrupted';

/** What pipeline_run.py writes (see its `_end`). */
export interface RunDocument {
  version: number;
  /** The pipeline's provenance (pipeline.py's `_SOURCE`). */
  source: { session: string; step: number; notebook?: string };
  /** The pipeline's pipeline.py as a notebook path. */
  notebookPath: string;
  /** pipeline.py's text. */
  code: string;
  status: RunStatus;
  startedAt: string;
  endedAt: string;
  stdout: string;
  stderr: string;
  capture: ExecutionCapture | null;
  environment: EnvironmentSnapshot | null;
  error?: { ename: string; evalue: string; traceback: string[] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function isDate(value: unknown): value is string {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}

/**
 * Reads a capture file's text; a file that is not a run of an exported
 * pipeline throws a CliError saying what is wrong with it.
 */
export function readRunDocument(raw: string): RunDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new CliError(
      `The run capture is not JSON: ${(error as Error).message}`
    );
  }
  if (!isRecord(parsed)) {
    throw new CliError('The run capture is not a JSON object.');
  }
  if (parsed.version !== RUN_DOCUMENT_VERSION) {
    throw new CliError(
      `The run capture has version ${JSON.stringify(parsed.version)}; this trail reads version ${RUN_DOCUMENT_VERSION} (update jupyterlab-trail).`
    );
  }
  const source = isRecord(parsed.source) ? parsed.source : {};
  if (typeof source.session !== 'string' || !ID.test(source.session)) {
    throw new CliError(
      'The run capture names no exported session (source.session): the pipeline was not exported by Trail.'
    );
  }
  const step = source.step;
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 1) {
    throw new CliError(
      'The run capture names no step of the exported session (source.step, an integer from 1).'
    );
  }
  const status = parsed.status;
  if (status !== 'ok' && status !== 'error' && status !== 'interrupted') {
    throw new CliError(
      `The run capture's status is ${JSON.stringify(status)}: expected ok, error or interrupted.`
    );
  }
  if (!isDate(parsed.startedAt) || !isDate(parsed.endedAt)) {
    throw new CliError(
      'The run capture has no start and end time (startedAt, endedAt).'
    );
  }
  const notebookPath = text(parsed.notebookPath).trim();
  if (!notebookPath) {
    throw new CliError(
      "The run capture has no notebookPath (the pipeline's pipeline.py)."
    );
  }
  const document: RunDocument = {
    version: RUN_DOCUMENT_VERSION,
    source: {
      session: source.session,
      step,
      notebook:
        typeof source.notebook === 'string' ? source.notebook : undefined
    },
    notebookPath,
    code: text(parsed.code),
    status,
    startedAt: parsed.startedAt,
    endedAt: parsed.endedAt,
    stdout: text(parsed.stdout),
    stderr: text(parsed.stderr),
    capture: sanitizeCapture(parsed.capture),
    environment: sanitizeEnvironment(parsed.environment)
  };
  if (isRecord(parsed.error)) {
    const traceback = Array.isArray(parsed.error.traceback)
      ? parsed.error.traceback.filter(
          (line): line is string => typeof line === 'string'
        )
      : [];
    document.error = {
      ename: text(parsed.error.ename) || 'Error',
      evalue: text(parsed.error.evalue),
      traceback
    };
  }
  return document;
}

/** The lineage of a pipeline run: the session and step it was exported from. */
export function exportLineage(document: RunDocument): Lineage {
  return {
    kind: 'export',
    sessionId: document.source.session,
    step: document.source.step
  };
}

/** The "kernel" of a pipeline run: the Python that ran pipeline.py. */
export function runKernel(document: RunDocument): KernelInfo {
  const language = document.environment?.language;
  const kernel: KernelInfo = {
    name: 'python',
    displayName: 'Python (pipeline run)',
    language: 'python'
  };
  if (language?.version) {
    kernel.languageVersion = language.version;
  }
  if (language?.implementation) {
    kernel.implementation = language.implementation;
  }
  return kernel;
}

/** A message of the run, as a kernel would have sent it, for ExecutionBuilder. */
function message(
  msgType: string,
  content: Record<string, unknown>,
  date: string,
  channel = 'iopub'
): KernelMessage.IMessage {
  return {
    channel,
    header: { msg_type: msgType, msg_id: uuid4(), date },
    parent_header: {},
    metadata: {},
    content
  } as unknown as KernelMessage.IMessage;
}

/**
 * The run's one execution: pipeline.py as its code, stdout and stderr as
 * stream outputs, the error (with its traceback) when it failed, timed by
 * the run's own clock and carrying its capture.
 */
export function runExecution(
  document: RunDocument,
  sessionId: string
): ExecutionRecord {
  const builder = new ExecutionBuilder({
    id: uuid4(),
    msgId: uuid4(),
    sessionId,
    seq: 1,
    notebookPath: document.notebookPath,
    cellId: null,
    code: document.code,
    requestedAt: Date.parse(document.startedAt)
  });
  const { startedAt, endedAt } = document;
  builder.handle(message('status', { execution_state: 'busy' }, startedAt));
  if (document.stdout) {
    builder.handle(
      message('stream', { name: 'stdout', text: document.stdout }, endedAt)
    );
  }
  if (document.stderr) {
    builder.handle(
      message('stream', { name: 'stderr', text: document.stderr }, endedAt)
    );
  }
  const error = document.error;
  if (document.status !== 'ok' && error) {
    builder.handle(
      message(
        'error',
        {
          ename: error.ename,
          evalue: error.evalue,
          traceback: error.traceback
        },
        endedAt
      )
    );
  }
  const reply: Record<string, unknown> =
    document.status === 'ok'
      ? { status: 'ok' }
      : {
          status: 'error',
          ename:
            document.status === 'interrupted'
              ? 'KeyboardInterrupt'
              : (error?.ename ?? 'Error'),
          evalue: error?.evalue ?? ''
        };
  builder.handle(message('execute_reply', reply, endedAt, 'shell'));
  builder.handle(message('status', { execution_state: 'idle' }, endedAt));
  if (document.capture) {
    builder.addCapture(document.capture);
  }
  return builder.finish(undefined, Date.parse(endedAt));
}

/** What the events are built with. */
export interface RunEventsOptions {
  /** Secrets are redacted as the recorder does (default: its defaults). */
  redaction?: IRedactionOptions;
  /** The client named in the session record. */
  client?: { name: string; version: string };
}

/**
 * The events recording a pipeline run, in the order they are delivered:
 * `session.started` (lineage export), `environment.captured` (from its
 * only execution on) and `execution.completed`, each redacted.
 */
export function runEvents(
  document: RunDocument,
  options: RunEventsOptions = {}
): TrailEvent[] {
  const sessionId = uuid4();
  const session: SessionRecord = {
    id: sessionId,
    notebookPath: document.notebookPath,
    startedAt: document.startedAt,
    kernel: runKernel(document),
    client: options.client ?? { name: 'trail-cli', version: PACKAGE_VERSION },
    lineage: exportLineage(document)
  };
  const events: TrailEvent[] = [
    { id: uuid4(), kind: 'session.started', session }
  ];
  if (document.environment) {
    events.push({
      id: uuid4(),
      kind: 'environment.captured',
      sessionId,
      fromSeq: 1,
      environment: document.environment
    } as TrailEvent);
  }
  events.push({
    id: uuid4(),
    kind: 'execution.completed',
    execution: runExecution(document, sessionId)
  });
  const redactor = new Redactor(options.redaction);
  return events.map(event => redactor.redactEvent(event));
}
