/**
 * The span a scan reports, and the kinds of text it reads: shared by the
 * scan and each family of rules it runs.
 */

/**
 * Where a text comes from: code (an unquoted name is code, not a value),
 * text (outputs, logs: every value is a value), or a path.
 */
export type TextPlace = 'code' | 'text' | 'path';

/** One secret in a text: [start, end) and its kind. */
export interface ISpan {
  start: number;
  end: number;
  kind: string;
}
