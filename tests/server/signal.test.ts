/**
 * The signal that services announce through: observers in connection
 * order, a failing one neither stops the others nor reaches the emitter.
 */
import { Signal } from '../../server/signal';

describe('Signal', () => {
  it('calls observers in the order they connected, until disconnected', () => {
    const signal = new Signal<number>('numbers');
    const seen: string[] = [];
    const first = signal.connect(n => seen.push(`a${n}`));
    signal.connect(n => seen.push(`b${n}`));
    signal.emit(1);
    first();
    signal.emit(2);
    expect(seen).toEqual(['a1', 'b1', 'b2']);
  });

  it('reports an observer that throws and still calls the next', () => {
    const errors: [string, unknown][] = [];
    const signal = new Signal<string>('stored', (message, err) =>
      errors.push([message, err])
    );
    const failure = new Error('index full');
    const seen: string[] = [];
    signal.connect(() => {
      throw failure;
    });
    signal.connect(value => seen.push(value));
    expect(() => signal.emit('x')).not.toThrow();
    expect(seen).toEqual(['x']);
    expect(errors).toEqual([['stored: an observer failed', failure]]);
  });
});
