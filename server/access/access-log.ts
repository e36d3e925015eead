/**
 * The line format of `<data>/access.log` (see ownership.ts): one fact per
 * line, `<crc32 of the JSON, 8 hex digits> <JSON>` then LF, so a damaged
 * or torn line is recognised on its own and skipped. Lines of the first
 * format (the JSON alone) are still read.
 *
 * Facts:
 *   {"t":"claim","s":sessionId,"a":authorId,"n":notebookPath,"v":visibility,"at":iso}
 *   {"t":"vis","s":sessionId,"v":visibility,"by":userId,"at":iso}
 *   {"t":"rule","a":authorId,"n":notebookPath,"v":visibility,"at":iso}
 *   {"t":"alias","k":kind,"p":publicId,"a":authorId,"i":internalId,"at":iso}
 *   {"t":"path","s":sessionId,"n":notebookPath,"at":iso}
 *
 * A `path` fact (the notebook of a session claimed before its path was
 * known) is written by the PostgreSQL backend only, whose servers share
 * what one of them learnt; access.log keeps such a path in memory.
 */
import { crc32 } from 'node:zlib';
import type { AliasKind } from './aliases';
import type { Visibility } from './policy';

/** One fact of the log. */
export type Fact =
  | {
      t: 'claim';
      s: string;
      a: string;
      n: string | null;
      v: Visibility;
      at: string;
    }
  | { t: 'vis'; s: string; v: Visibility; by: string; at: string }
  | { t: 'rule'; a: string; n: string; v: Visibility; at: string }
  | { t: 'path'; s: string; n: string; at: string }
  | {
      t: 'alias';
      k: AliasKind;
      p: string;
      a: string;
      i: string;
      at: string;
    };

/** One fact as a line of the log: its CRC-32, a space, its JSON, LF. */
export function frame(fact: Fact): string {
  const json = JSON.stringify(fact);
  const crc = crc32(Buffer.from(json, 'utf8')).toString(16).padStart(8, '0');
  return `${crc} ${json}\n`;
}

/** Where a fact may start in a line: a framed one or one of format 1. */
const FACT_START = /[0-9a-f]{8} \{|\{"t":"/g;

/**
 * The facts of complete lines, in order. A damaged line is skipped; from
 * a line that does not parse whole, the facts starting later in it (ones
 * that were appended after a torn write) are still read.
 */
export function readFacts(bytes: Buffer): Fact[] {
  const facts: Fact[] = [];
  let start = 0;
  while (start < bytes.length) {
    const end = bytes.indexOf(0x0a, start);
    const line = bytes.subarray(start, end);
    start = end + 1;
    let fact = parseLine(line);
    if (fact === undefined) {
      const text = line.toString('latin1');
      FACT_START.lastIndex = 1;
      for (let m = FACT_START.exec(text); m; m = FACT_START.exec(text)) {
        fact = parseLine(line.subarray(m.index));
        if (fact !== undefined) {
          break;
        }
        FACT_START.lastIndex = m.index + 1;
      }
    }
    if (fact !== undefined) {
      facts.push(fact);
    }
  }
  return facts;
}

/** The fact of a whole line, or undefined when it is damaged. */
function parseLine(line: Buffer): Fact | undefined {
  let json = line;
  if (line[0] !== 0x7b) {
    // `<crc> <json>`; a line of format 1 is the JSON alone.
    if (line.length < 10 || line[8] !== 0x20) {
      return undefined;
    }
    json = line.subarray(9);
    const crc = line.toString('latin1', 0, 8);
    if (
      !/^[0-9a-f]{8}$/.test(crc) ||
      Number.parseInt(crc, 16) !== crc32(json)
    ) {
      return undefined;
    }
  }
  try {
    const fact = JSON.parse(json.toString('utf8')) as Fact;
    return fact !== null && typeof fact === 'object' && isFact(fact)
      ? fact
      : undefined;
  } catch {
    return undefined;
  }
}

function isFact(f: Fact): boolean {
  switch (f.t) {
    case 'claim':
      return typeof f.s === 'string' && typeof f.a === 'string';
    case 'vis':
      return typeof f.s === 'string';
    case 'rule':
      return typeof f.a === 'string' && typeof f.n === 'string';
    case 'path':
      return typeof f.s === 'string' && typeof f.n === 'string';
    case 'alias':
      return (
        (f.k === 'session' || f.k === 'execution' || f.k === 'event') &&
        typeof f.p === 'string' &&
        typeof f.a === 'string' &&
        typeof f.i === 'string'
      );
    default:
      return false;
  }
}
