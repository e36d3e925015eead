/**
 * The export API's shapes as the panel reads them (#15, contract A):
 * `POST /api/v1/sessions/{id}/export` takes an {@link ExportRequest} and
 * answers an {@link ExportResult} (types generated from schema/api). The
 * Trail client's `exportPipeline` satisfies {@link IPipelineExporter}.
 */
import type { ExportRequest, ExportResult } from '../../client/api-schema';

export type {
  ExportDrop,
  ExportedFile,
  ExportedStep,
  ExportMetric,
  ExportParam,
  ExportRequest,
  ExportResult,
  ExportTarget,
  ExportTranslation
} from '../../client/api-schema';

/** What the panel needs of the server to export (the Trail client). */
export interface IPipelineExporter {
  exportPipeline(sessionId: string, body: ExportRequest): Promise<ExportResult>;
}
