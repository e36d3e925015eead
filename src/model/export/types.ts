/**
 * The export API's shapes as the panel reads them (#15, contract A):
 * `POST /api/v1/sessions/{id}/export` takes an {@link ExportRequest} and
 * answers an {@link ExportResult}. The Trail client's `exportPipeline`
 * satisfies {@link IPipelineExporter}.
 */
import type { InputFile } from '../../records/replay/inputs';
import type { ParamValue } from '../../records/schema';
import type {
  ExportTarget,
  SliceDrop,
  SliceStep
} from '../../records/export/slice-types';

export type { ExportTarget, SliceDrop, SliceStep };

/** What the export is asked for. */
export interface ExportRequest {
  /** The last step considered (1-based); absent: the last one. */
  upto?: number;
  /** What to explain; absent: the session's results. */
  target?: ExportTarget;
  /** The pipeline folder, relative to the session's notebook folder. */
  folder?: string;
  force?: boolean;
}

/** A magic the pipeline could not translate, or translated another way. */
export interface ExportTranslation {
  step: number;
  line: number;
  magic: string;
  action: string;
  reason?: string;
}

/** A param of the pipeline as the API reports it. */
export interface ExportParam {
  name: string;
  value: ParamValue;
  overridable?: boolean;
  note?: string;
  [key: string]: unknown;
}

/** A metric of the pipeline as the API reports it. */
export interface ExportMetric {
  name: string;
  value: number | null;
  [key: string]: unknown;
}

/** The export's answer: the pipeline's files and what went into them. */
export interface ExportResult {
  sessionId: string;
  upto: number;
  target: ExportTarget;
  folder: string;
  files: { path: string; content: string }[];
  kept: SliceStep[];
  dropped: SliceDrop[];
  translations: ExportTranslation[];
  unresolvedImports: string[];
  params: ExportParam[];
  metrics: ExportMetric[];
  inputs: InputFile[];
  outputs: string[];
  expected: {
    files: { path: string; sha256: string }[];
    metrics: { name: string; value: number | null }[];
    params: { name: string; value: ParamValue }[];
  };
}

/** What the panel needs of the server to export (the Trail client). */
export interface IPipelineExporter {
  exportPipeline(sessionId: string, body: ExportRequest): Promise<ExportResult>;
}
