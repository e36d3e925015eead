/**
 * The `trail` command's entry point (bundled by scripts/bundle-cli.mjs into
 * jupyterlab_trail/bin/trail.cjs, run by the `trail` console script).
 */
import { createInterface } from 'node:readline/promises';
import { ExitCode } from './exit-codes';
import { runProgram } from './program';
import type { CliIO } from './replay';

/**
 * Libraries' chatter (e.g. "Starting WebSocket") stays off stdout: with
 * `--json` stdout is one document. Shown on stderr with TRAIL_DEBUG.
 */
function quietConsole(env: NodeJS.ProcessEnv): void {
  const chatter = env.TRAIL_DEBUG
    ? (...args: unknown[]) => process.stderr.write(`${args.join(' ')}\n`)
    : () => undefined;
  /* eslint-disable no-console */
  console.log = chatter;
  console.info = chatter;
  console.debug = chatter;
  /* eslint-enable no-console */
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await rl.question(`${question} [Y/n] `)).trim();
    return answer === '' || /^y(es)?$/i.test(answer);
  } finally {
    rl.close();
  }
}

async function main(): Promise<void> {
  quietConsole(process.env);
  let interrupt: () => void = () => undefined;
  const interrupted = new Promise<void>(resolve => (interrupt = resolve));
  let signals = 0;
  const onSignal = () => {
    signals++;
    if (signals > 1) {
      process.exit(ExitCode.Interrupted);
    }
    process.stderr.write(
      '\nStopping: the running step is interrupted, the rest not run (Ctrl-C again to quit at once)…\n'
    );
    interrupt();
  };
  // A kernel connection disposed while it reconnects rejects promises
  // nobody waits for any more: not a failure of the command.
  process.on('unhandledRejection', reason => {
    if (process.env.TRAIL_DEBUG) {
      process.stderr.write(`trail: ignored: ${String(reason)}\n`);
    }
  });
  // `trail replay --help | head`: a closed stdout ends the command quietly.
  process.stdout.on('error', error => {
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') {
      process.exit(0);
    }
  });
  // A closed stderr (whoever read it has gone, e.g. a killed Jupyter
  // server) must not crash the command before it has stopped its children.
  process.stderr.on('error', () => undefined);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const io: CliIO = {
    env: process.env,
    cwd: process.cwd(),
    out: text => process.stdout.write(`${text}\n`),
    err: text => process.stderr.write(`${text}\n`),
    confirm: process.stdin.isTTY && process.stderr.isTTY ? confirm : null,
    interrupted
  };
  let code: number;
  try {
    code = await runProgram(process.argv.slice(2), io);
  } catch (error) {
    process.stderr.write(`trail: ${(error as Error)?.stack ?? error}\n`);
    code = ExitCode.BadInput;
  }
  // Let stdout drain, then leave (sockets of the kernel may linger).
  process.stdout.write('', () => process.exit(code));
}

void main();
