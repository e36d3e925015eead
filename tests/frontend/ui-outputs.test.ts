import { toRenderableOutputs } from '../../src/ui/outputs';

describe('toRenderableOutputs', () => {
  it("joins nbformat line lists with '' and keeps JSON values as they are", () => {
    const [stream, display] = toRenderableOutputs([
      { output_type: 'stream', name: 'stdout', text: ['a\n', 'b\n'] },
      {
        output_type: 'display_data',
        data: {
          'text/html': ['<p>', 'x</p>'],
          'application/json': ['kept', 'as a list'],
          'application/vnd.custom+json': { n: 1 }
        },
        metadata: {}
      }
    ]);
    expect(stream).toMatchObject({ text: 'a\nb\n' });
    expect(display).toMatchObject({
      data: {
        'text/html': '<p>x</p>',
        'application/json': ['kept', 'as a list'],
        'application/vnd.custom+json': { n: 1 }
      }
    });
  });

  it('leaves error outputs unchanged', () => {
    const error = {
      output_type: 'error' as const,
      ename: 'E',
      evalue: 'v',
      traceback: ['line 1', 'line 2']
    };
    expect(toRenderableOutputs([error])).toEqual([error]);
  });
});
