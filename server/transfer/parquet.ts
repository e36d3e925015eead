/**
 * `trail-server export --parquet DIR`: the executions, params and metrics
 * of a history as three Parquet files for pandas, DuckDB or Spark
 * (columns in docs/export-format.md). Written with hyparquet-writer a row
 * group at a time while the store's events are scanned, so memory stays
 * flat however many executions there are (only each session's author is
 * kept, from the access facts).
 *
 * Params and metrics are in long form, one row per value, each with the
 * run (session) and execution it came from: an execution's own capture
 * and the annotations added to it later alike.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { ExecutionCapture } from '../../src/records/schema';
import type { StoredEvent } from '../store/types';
import type { HistoryEnd } from './history-end';

/** Rows per row group (and per write): bounds memory. */
const ROW_GROUP = 10_000;

type ColumnType = 'STRING' | 'INT32' | 'INT64' | 'DOUBLE' | 'TIMESTAMP';

interface Column {
  name: string;
  type: ColumnType;
  required?: boolean;
}

const EXECUTION_COLUMNS: Column[] = [
  { name: 'execution_id', type: 'STRING', required: true },
  { name: 'session_id', type: 'STRING', required: true },
  { name: 'notebook_path', type: 'STRING' },
  { name: 'cell_id', type: 'STRING' },
  { name: 'seq', type: 'INT32', required: true },
  { name: 'execution_count', type: 'INT32' },
  { name: 'status', type: 'STRING', required: true },
  { name: 'started_at', type: 'TIMESTAMP', required: true },
  { name: 'ended_at', type: 'TIMESTAMP' },
  { name: 'duration_ms', type: 'DOUBLE' },
  { name: 'author', type: 'STRING' },
  { name: 'author_id', type: 'STRING' },
  { name: 'visibility', type: 'STRING' },
  { name: 'code', type: 'STRING' }
];

const PARAM_COLUMNS: Column[] = [
  { name: 'session_id', type: 'STRING', required: true },
  { name: 'execution_id', type: 'STRING', required: true },
  { name: 'name', type: 'STRING', required: true },
  { name: 'value', type: 'STRING' },
  { name: 'value_number', type: 'DOUBLE' }
];

const METRIC_COLUMNS: Column[] = [
  { name: 'session_id', type: 'STRING', required: true },
  { name: 'execution_id', type: 'STRING', required: true },
  { name: 'name', type: 'STRING', required: true },
  { name: 'value', type: 'DOUBLE' },
  { name: 'step', type: 'INT64' },
  { name: 'at', type: 'TIMESTAMP' }
];

type Cell = string | number | bigint | Date | null;

/** The Parquet schema element of a column. */
function schemaElement(column: Column): Record<string, unknown> {
  const repetition_type = column.required ? 'REQUIRED' : 'OPTIONAL';
  const { name } = column;
  switch (column.type) {
    case 'STRING':
      return {
        name,
        type: 'BYTE_ARRAY',
        converted_type: 'UTF8',
        repetition_type
      };
    case 'TIMESTAMP':
      return {
        name,
        type: 'INT64',
        logical_type: {
          type: 'TIMESTAMP',
          isAdjustedToUTC: true,
          unit: 'MILLIS'
        },
        repetition_type
      };
    default:
      return { name, type: column.type, repetition_type };
  }
}

// An ES module, loaded dynamically from this CommonJS one.
type HyparquetWriter = typeof import('hyparquet-writer', {
  with: { 'resolution-mode': 'import' }
});

/** One Parquet file written a row group at a time. */
class TableWriter {
  private rows: Cell[][] = [];
  count = 0;
  private readonly writer: InstanceType<HyparquetWriter['ParquetWriter']>;

  constructor(
    lib: HyparquetWriter,
    path: string,
    private readonly columns: Column[]
  ) {
    this.writer = new lib.ParquetWriter({
      writer: lib.fileWriter(path),
      schema: [
        { name: 'root', num_children: columns.length },
        ...columns.map(schemaElement)
      ] as never,
      createdBy: 'trail-server'
    });
  }

  async add(row: Cell[]): Promise<void> {
    this.rows.push(row);
    this.count++;
    if (this.rows.length >= ROW_GROUP) {
      await this.flush();
    }
  }

  private async flush(): Promise<void> {
    if (this.rows.length === 0) {
      return;
    }
    const rows = this.rows;
    this.rows = [];
    await this.writer.write({
      columnData: this.columns.map((column, i) => ({
        name: column.name,
        data: rows.map(row => row[i]),
        nullable: !column.required
      })),
      rowGroupSize: ROW_GROUP
    });
  }

  async finish(): Promise<void> {
    await this.flush();
    await this.writer.finish();
  }
}

/** What a Parquet export wrote: rows per file. */
export interface ParquetSummary {
  executions: number;
  params: number;
  metrics: number;
}

const date = (iso: string | null | undefined): Date | null => {
  if (!iso) {
    return null;
  }
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : new Date(ms);
};

/**
 * Writes executions.parquet, params.parquet and metrics.parquet of
 * `source` into the folder `dir` (created; files replaced).
 */
export async function exportParquet(
  source: HistoryEnd,
  dir: string,
  progress?: (executions: number) => void
): Promise<ParquetSummary> {
  await fs.mkdir(dir, { recursive: true });
  const lib = await import('hyparquet-writer');
  const { users } = await source.people();
  const names = new Map(users.map(u => [u.id, u.name]));
  const owners = new Map<string, { author: string; visibility: string }>();
  for await (const fact of source.facts()) {
    if (fact.t === 'claim' && !owners.has(fact.s)) {
      owners.set(fact.s, { author: fact.a, visibility: fact.v });
    } else if (fact.t === 'vis') {
      const owner = owners.get(fact.s);
      if (owner) {
        owner.visibility = fact.v;
      }
    }
  }
  const executions = new TableWriter(
    lib,
    join(dir, 'executions.parquet'),
    EXECUTION_COLUMNS
  );
  const params = new TableWriter(
    lib,
    join(dir, 'params.parquet'),
    PARAM_COLUMNS
  );
  const metrics = new TableWriter(
    lib,
    join(dir, 'metrics.parquet'),
    METRIC_COLUMNS
  );
  const addCapture = async (
    sessionId: string,
    executionId: string,
    capture: ExecutionCapture | undefined
  ) => {
    for (const [name, value] of Object.entries(capture?.params ?? {})) {
      await params.add([
        sessionId,
        executionId,
        name,
        value === null
          ? null
          : typeof value === 'string'
            ? value
            : JSON.stringify(value),
        typeof value === 'number' ? value : null
      ]);
    }
    for (const point of capture?.metrics ?? []) {
      await metrics.add([
        sessionId,
        executionId,
        point.name,
        point.value,
        typeof point.step === 'number' ? BigInt(Math.trunc(point.step)) : null,
        date(point.at)
      ]);
    }
  };
  const onEvent = async (event: StoredEvent) => {
    if (event.kind === 'execution.completed') {
      const x = event.execution;
      const owner = owners.get(x.sessionId);
      await executions.add([
        x.id,
        x.sessionId,
        x.notebookPath ?? null,
        x.cellId ?? null,
        x.seq,
        typeof x.executionCount === 'number' ? x.executionCount : null,
        x.status,
        date(x.startedAt) ?? new Date(0),
        date(x.endedAt),
        typeof x.durationMs === 'number' ? x.durationMs : null,
        owner ? (names.get(owner.author) ?? owner.author) : null,
        owner?.author ?? null,
        owner?.visibility ?? null,
        x.code ?? null
      ]);
      await addCapture(x.sessionId, x.id, x.capture);
    } else if (event.kind === 'execution.annotated') {
      await addCapture(event.sessionId, event.executionId, event.capture);
    }
  };
  await source.store.scanEvents(async events => {
    for (const event of events) {
      await onEvent(event);
    }
    progress?.(executions.count);
  });
  await executions.finish();
  await params.finish();
  await metrics.finish();
  return {
    executions: executions.count,
    params: params.count,
    metrics: metrics.count
  };
}
