/**
 * OutputList and the timing helpers, on hand-made message contents.
 */
import { MAX_OUTPUTS } from '../../src/records/limits';
import {
  durationBetween,
  OutputList,
  parseKernelDate,
  statusOfReply
} from '../../src/recorder';

const out = (text: string) => ({ name: 'stdout', text });
const err = (text: string) => ({ name: 'stderr', text });
const shown = (text: string, displayId?: string) => ({
  data: { 'text/plain': text },
  metadata: {},
  transient: displayId === undefined ? {} : { display_id: displayId }
});

describe('OutputList', () => {
  it('merges only consecutive chunks of the same stream', () => {
    const list = new OutputList();
    list.add('stream', out('a'));
    list.add('stream', out('b'));
    list.add('stream', err('c'));
    list.add('stream', out('d'));
    list.add('display_data', shown('x'));
    list.add('stream', out('e'));
    expect(list.toJSON()).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'ab' },
      { output_type: 'stream', name: 'stderr', text: 'c' },
      { output_type: 'stream', name: 'stdout', text: 'd' },
      {
        output_type: 'display_data',
        data: { 'text/plain': 'x' },
        metadata: {}
      },
      { output_type: 'stream', name: 'stdout', text: 'e' }
    ]);
  });

  it('joins stream text sent as a list of lines', () => {
    const list = new OutputList();
    list.add('stream', { name: 'stdout', text: ['a\n', 'b\n'] });
    expect(list.toJSON()).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'a\nb\n' }
    ]);
  });

  it('clears at once, or with wait when the next output comes', () => {
    const list = new OutputList();
    list.add('stream', out('a'));
    list.clear(false);
    expect(list.length).toBe(0);
    list.add('stream', out('b'));
    list.clear(true);
    expect(list.length).toBe(1);
    // The next chunk of the same stream must not be merged into 'b'.
    list.add('stream', out('c'));
    expect(list.toJSON()).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'c' }
    ]);
  });

  it('does not clear on a display update while waiting', () => {
    const list = new OutputList();
    list.add('display_data', shown('v1', 'd'));
    list.clear(true);
    expect(list.update(shown('v2', 'd'))).toBe(true);
    expect(list.toJSON()).toEqual([
      {
        output_type: 'display_data',
        data: { 'text/plain': 'v2' },
        metadata: {}
      }
    ]);
  });

  it('updates every output under a display id and keeps their type', () => {
    const list = new OutputList();
    list.add('display_data', shown('a', 'd'));
    list.add('execute_result', { ...shown('r', 'd'), execution_count: 4 });
    list.add('display_data', shown('other', 'e'));
    expect(list.update(shown('b', 'd'))).toBe(true);
    expect(list.update(shown('nobody', 'missing'))).toBe(false);
    expect(list.update({ data: { 'text/plain': 'no id' } })).toBe(false);
    const outputs = list.toJSON();
    expect(outputs).toEqual([
      {
        output_type: 'display_data',
        data: { 'text/plain': 'b' },
        metadata: {}
      },
      {
        output_type: 'execute_result',
        execution_count: 4,
        data: { 'text/plain': 'b' },
        metadata: {}
      },
      {
        output_type: 'display_data',
        data: { 'text/plain': 'other' },
        metadata: {}
      }
    ]);
    // Updated outputs do not share one data object.
    expect(outputs[0].data).not.toBe(outputs[1].data);
  });

  it('forgets display ids of cleared outputs', () => {
    const list = new OutputList();
    list.add('display_data', shown('a', 'd'));
    list.clear(false);
    expect(list.update(shown('b', 'd'))).toBe(false);
    expect(list.toJSON()).toEqual([]);
  });

  it('copies mime bundles instead of aliasing the message', () => {
    const content = {
      data: { 'application/json': { a: [1] }, 'text/plain': 'j' },
      metadata: { isolated: { deep: true } },
      transient: { display_id: 'x' }
    };
    const list = new OutputList();
    list.add('display_data', content);
    const [output] = list.toJSON() as any[];
    expect(output).toEqual({
      output_type: 'display_data',
      data: { 'application/json': { a: [1] }, 'text/plain': 'j' },
      metadata: { isolated: { deep: true } }
    });
    output.data['application/json'].a.push(2);
    output.metadata.isolated.deep = false;
    expect(content.data['application/json'].a).toEqual([1]);
    expect(content.metadata.isolated.deep).toBe(true);
  });

  it('records errors in nbformat shape', () => {
    const list = new OutputList();
    list.add('error', { ename: 'E', evalue: 'v', traceback: ['t1', 't2'] });
    list.add('error', { ename: 'F', evalue: 'w' });
    expect(list.toJSON()).toEqual([
      {
        output_type: 'error',
        ename: 'E',
        evalue: 'v',
        traceback: ['t1', 't2']
      },
      { output_type: 'error', ename: 'F', evalue: 'w', traceback: [] }
    ]);
  });

  it(`keeps at most ${MAX_OUTPUTS} outputs, the last one a notice`, () => {
    const list = new OutputList();
    for (let i = 0; i < MAX_OUTPUTS + 10; i++) {
      list.add('display_data', shown(String(i)));
    }
    const outputs = list.toJSON();
    expect(outputs).toHaveLength(MAX_OUTPUTS);
    expect(outputs[MAX_OUTPUTS - 2]).toEqual(
      expect.objectContaining({
        data: { 'text/plain': String(MAX_OUTPUTS - 2) }
      })
    );
    expect(outputs[MAX_OUTPUTS - 1]).toEqual({
      output_type: 'stream',
      name: 'stderr',
      text: '[Trail: 11 more outputs were not recorded]\n'
    });
  });
});

describe('kernel times and statuses', () => {
  it('keeps the microseconds of kernel dates', () => {
    const start = parseKernelDate('2026-11-22T05:51:56.503954Z')!;
    const end = parseKernelDate('2026-11-22T05:51:56.515429Z')!;
    expect(durationBetween(start, end)).toBeCloseTo(11.475, 3);
    expect(parseKernelDate('2026-11-22T05:51:56.501Z')).toBe(
      Date.UTC(2026, 10, 22, 5, 51, 56, 501)
    );
    expect(parseKernelDate('2026-11-22T05:51:56Z')).toBe(
      Date.UTC(2026, 10, 22, 5, 51, 56)
    );
    // Offsets, as some kernels send local times.
    expect(parseKernelDate('2026-11-22T07:51:56.250+02:00')).toBe(
      Date.UTC(2026, 10, 22, 5, 51, 56, 250)
    );
    expect(parseKernelDate('2026-11-21T23:51:56.250-0600')).toBe(
      Date.UTC(2026, 10, 22, 5, 51, 56, 250)
    );
    // Other forms Date.parse knows still parse.
    expect(parseKernelDate('Sun, 22 Nov 2026 05:51:56 GMT')).toBe(
      Date.UTC(2026, 10, 22, 5, 51, 56)
    );
    expect(parseKernelDate('2026-13-45T99:00:00Z')).toBeNull();
    expect(parseKernelDate('not a date')).toBeNull();
    expect(parseKernelDate(undefined)).toBeNull();
    expect(durationBetween(10, 5)).toBe(0);
  });

  it('maps reply statuses', () => {
    expect(statusOfReply({ status: 'ok' })).toBe('ok');
    expect(statusOfReply({ status: 'aborted' })).toBe('aborted');
    expect(statusOfReply({ status: 'error', ename: 'ValueError' })).toBe(
      'error'
    );
    expect(statusOfReply({ status: 'error', ename: 'KeyboardInterrupt' })).toBe(
      'interrupted'
    );
  });
});
