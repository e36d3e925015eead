/**
 * Tables in outputs, as the divergence rules compare them: a pandas
 * DataFrame's HTML (`<table class="dataframe">`) or a Table Schema bundle
 * (`application/vnd.dataresource+json`), read into a header, rows of cell
 * texts and a shape. No DOM: the server and the CLI read them too.
 */

/** A table read from an output. */
export interface IOutputTable {
  /** Column labels (the last header row; the index column included when it has a label). */
  columns: string[];
  /** Cell texts, row by row, the index cells first. */
  rows: string[][];
  /** Rows × columns as the producer states it (pandas' "5 rows × 3 columns"), else as counted. */
  shape: [number, number];
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  '#39': "'"
};

function decodeEntities(text: string): string {
  return text.replace(
    /&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+|#39);/g,
    (whole, name: string) => {
      if (name.startsWith('#x')) {
        return String.fromCodePoint(parseInt(name.slice(2), 16));
      }
      if (name.startsWith('#') && name !== '#39') {
        return String.fromCodePoint(parseInt(name.slice(1), 10));
      }
      return ENTITIES[name] ?? whole;
    }
  );
}

function cellText(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ''))
    .replace(/\s+/g, ' ')
    .trim();
}

/** The rows of a table section, and how many data (td) cells its first row has. */
function rowsOf(section: string): { rows: string[][]; dataCells: number } {
  const rows: string[][] = [];
  let dataCells = -1;
  for (const row of section.matchAll(/<tr\b[^>]*>([\s\S]*?)<\/tr>/gi)) {
    const cells: string[] = [];
    let td = 0;
    for (const cell of row[1].matchAll(/<t([hd])\b[^>]*>([\s\S]*?)<\/t\1>/gi)) {
      cells.push(cellText(cell[2]));
      td += cell[1].toLowerCase() === 'd' ? 1 : 0;
    }
    if (dataCells < 0) {
      dataCells = td;
    }
    rows.push(cells);
  }
  return { rows, dataCells: Math.max(0, dataCells) };
}

/**
 * Reads the first HTML table of a text when it is a DataFrame's (pandas
 * writes `class="dataframe"`); undefined otherwise.
 */
export function readHtmlTable(html: string): IOutputTable | undefined {
  const table = html.match(
    /<table\b[^>]*class="[^"]*\bdataframe\b[^"]*"[^>]*>([\s\S]*?)<\/table>/i
  );
  if (!table) {
    return undefined;
  }
  const head = table[1].match(/<thead\b[^>]*>([\s\S]*?)<\/thead>/i);
  const body = table[1].match(/<tbody\b[^>]*>([\s\S]*?)<\/tbody>/i);
  const headerRows = head ? rowsOf(head[1]).rows : [];
  const { rows, dataCells } = rowsOf(
    body ? body[1] : head ? table[1].replace(head[0], '') : table[1]
  );
  const columns = headerRows.length ? headerRows[headerRows.length - 1] : [];
  // pandas states the true shape under a truncated frame.
  const stated = html.match(/(\d[\d,]*) rows × (\d[\d,]*) columns/);
  const shape: [number, number] = stated
    ? [Number(stated[1].replace(/,/g, '')), Number(stated[2].replace(/,/g, ''))]
    : [rows.length, rows.length ? dataCells : columns.length];
  return { columns, rows, shape };
}

/**
 * Reads a Table Schema bundle (`{schema: {fields}, data: [...]}`, pandas'
 * `display.html.table_schema`); undefined when it is not one.
 */
export function readDataResource(value: unknown): IOutputTable | undefined {
  if (!value || typeof value !== 'object') {
    return undefined;
  }
  const { schema, data } = value as {
    schema?: { fields?: unknown };
    data?: unknown;
  };
  if (!schema || !Array.isArray(schema.fields) || !Array.isArray(data)) {
    return undefined;
  }
  const columns = schema.fields.map(f =>
    f && typeof f === 'object' && 'name' in f
      ? String((f as { name: unknown }).name)
      : ''
  );
  const rows = data.map(row =>
    columns.map(c => {
      const v =
        row && typeof row === 'object'
          ? (row as Record<string, unknown>)[c]
          : undefined;
      return v === undefined
        ? ''
        : typeof v === 'string'
          ? v
          : JSON.stringify(v);
    })
  );
  return { columns, rows, shape: [rows.length, columns.length] };
}

/** The first differing cell of two tables of the same columns. */
export interface ITableDifference {
  /** How many cells differ among the rows both show. */
  cells: number;
  first?: { row: number; column: string; recorded: string; replayed: string };
}

/** Compares the cells both tables show, row by row. */
export function differingCells(
  recorded: IOutputTable,
  replayed: IOutputTable,
  same: (a: string, b: string) => boolean
): ITableDifference {
  const result: ITableDifference = { cells: 0 };
  const rows = Math.min(recorded.rows.length, replayed.rows.length);
  for (let r = 0; r < rows; r++) {
    const a = recorded.rows[r];
    const b = replayed.rows[r];
    const width = Math.max(a.length, b.length);
    for (let c = 0; c < width; c++) {
      if (!same(a[c] ?? '', b[c] ?? '')) {
        result.cells++;
        if (!result.first) {
          // Rows carry their index first: column c of the row is header c.
          const column = recorded.columns[c] || replayed.columns[c] || `#${c}`;
          result.first = {
            row: r,
            column,
            recorded: a[c] ?? '',
            replayed: b[c] ?? ''
          };
        }
      }
    }
  }
  return result;
}

/** A table as tab-separated text (header first): what the viewer diffs. */
export function tableText(table: IOutputTable): string {
  return [table.columns, ...table.rows].map(r => r.join('\t')).join('\n');
}
