/**
 * Log reads asked for together are merged into a few range reads
 * (server/store/read-batch.ts): lines close together in one segment are
 * read as one range, lines far apart or in other segments separately, and
 * each read gets exactly its own bytes.
 */
import { ReadBatch } from '../../server/store/read-batch';

/** Two segments of 4 MiB whose byte i is i mod 251. */
const byteAt = (segment: number, i: number) => (i + segment) % 251;

function batch() {
  const ranges: [number, number, number][] = [];
  const reads = new ReadBatch(async (segment, offset, length) => {
    ranges.push([segment, offset, length]);
    if (segment === 9) {
      throw new Error('EIO');
    }
    const size = 4 * 1024 * 1024;
    const end = Math.min(offset + length, size);
    return Buffer.from(
      Array.from({ length: Math.max(0, end - offset) }, (_, i) =>
        byteAt(segment, offset + i)
      )
    );
  });
  return { reads, ranges };
}

const expected = (segment: number, offset: number, length: number) =>
  Buffer.from(Array.from({ length }, (_, i) => byteAt(segment, offset + i)));

describe('ReadBatch', () => {
  it('reads lines asked for together as few ranges, each line its own bytes', async () => {
    const { reads, ranges } = batch();
    const lines = [
      // Out of order, side by side, with small gaps: one range.
      { segment: 1, offset: 300, length: 100 },
      { segment: 1, offset: 0, length: 200 },
      { segment: 1, offset: 200, length: 100 },
      { segment: 1, offset: 5_000, length: 50 },
      // Far from the others: a range of its own.
      { segment: 1, offset: 2_000_000, length: 10 },
      // Another segment.
      { segment: 2, offset: 100, length: 20 }
    ];
    const got = await Promise.all(lines.map(at => reads.read(at)));
    got.forEach((line, i) =>
      expect(line).toEqual(
        expected(lines[i].segment, lines[i].offset, lines[i].length)
      )
    );
    expect(ranges).toEqual([
      [1, 0, 5_050],
      [1, 2_000_000, 10],
      [2, 100, 20]
    ]);
    // A later turn: new ranges.
    await reads.read({ segment: 1, offset: 10, length: 5 });
    expect(ranges).toHaveLength(4);
  });

  it('bounds a merged range', async () => {
    const { reads, ranges } = batch();
    const lines = Array.from({ length: 40 }, (_, i) => ({
      segment: 1,
      offset: i * 100_000,
      length: 1_000
    }));
    await Promise.all(lines.map(at => reads.read(at)));
    expect(ranges.length).toBeGreaterThan(3);
    expect(Math.max(...ranges.map(r => r[2]))).toBeLessThanOrEqual(1024 * 1024);
  });

  it('gives a short line at the end of a segment, and a failed range fails only its reads', async () => {
    const { reads } = batch();
    const end = 4 * 1024 * 1024;
    const [short, failed, fine] = await Promise.allSettled([
      reads.read({ segment: 1, offset: end - 10, length: 30 }),
      reads.read({ segment: 9, offset: 0, length: 5 }),
      reads.read({ segment: 2, offset: 0, length: 5 })
    ]);
    expect(short).toMatchObject({ status: 'fulfilled' });
    expect((short as PromiseFulfilledResult<Buffer>).value).toHaveLength(10);
    expect(failed).toMatchObject({
      status: 'rejected',
      reason: new Error('EIO')
    });
    expect((fine as PromiseFulfilledResult<Buffer>).value).toEqual(
      expected(2, 0, 5)
    );
  });
});
