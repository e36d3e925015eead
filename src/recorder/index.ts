/**
 * The Trail kernel logging library: observes kernel connections and builds
 * session and execution records. No UI and no network.
 */
export { TrailRecorder } from './recorder';
export { KernelObserver } from './observer';
export { EventQueue } from './event-queue';
export { ExecutionBuilder, statusOfReply } from './execution';
export type { ExecutionStatus } from './execution';
export { OutputList, displayIdOf } from './outputs';
export type { OutputMessageType } from './outputs';
export { kernelInfoOf } from './kernel-info';
export { parseKernelDate, isoDate, durationBetween } from './time';
export type {
  IExecutionStart,
  IObserveContext,
  IRecorderClient
} from './types';
export { StructureTracker } from './structure';
export type { NotebookStructure, RedactSource } from './structure';
export { KernelHelper } from './helper';
export {
  HELPER_COMM_TARGET,
  bootstrapCode,
  helperMessageOf,
  isHelperKernel
} from './helper-protocol';
export type { HelperMessage, IHelperConfig } from './helper-protocol';
export { CaptureRouter, MAX_REMEMBERED_EXECUTIONS } from './capture-router';
export { sanitizeCapture, sanitizeEnvironment } from './capture';
export { PROVIDER_RULES, Redactor, redacted } from './redact';
export type {
  IRedactionOptions,
  IRedactionPattern,
  RedactionCounts,
  TextPlace
} from './redact';
export * from './cost';
