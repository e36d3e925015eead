/**
 * The recorder's ids: version-4 UUIDs from pooled random bytes.
 */
import { UuidPool, uuid4 } from '../../../src/recorder/uuid';

const V4 =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('UuidPool', () => {
  it('formats 16 bytes per id with the version and variant bits set', () => {
    const pool = new UuidPool(bytes => bytes.fill(0xff));
    expect(pool.next()).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    const zeros = new UuidPool(bytes => bytes.fill(0));
    expect(zeros.next()).toBe('00000000-0000-4000-8000-000000000000');
  });

  it('never reuses bytes: refills once the pool is spent', () => {
    let fills = 0;
    const pool = new UuidPool(bytes => {
      fills++;
      // Each id of a fill gets its own bytes: its index, then the fill.
      for (let i = 0; i < bytes.length; i += 16) {
        bytes.fill(0, i, i + 16);
        bytes[i] = (i / 16) & 0xff;
        bytes[i + 15] = fills;
      }
    });
    const ids = Array.from({ length: 600 }, () => pool.next());
    expect(fills).toBe(3);
    expect(new Set(ids).size).toBe(600);
    expect(ids[0]).toBe('00000000-0000-4000-8000-000000000001');
    expect(ids[257]).toBe('01000000-0000-4000-8000-000000000002');
  });

  it('gives distinct v4 ids from the platform random source', () => {
    const ids = Array.from({ length: 1000 }, () => uuid4());
    expect(ids.every(id => V4.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(1000);
  });
});
