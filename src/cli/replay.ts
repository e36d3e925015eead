/**
 * `trail replay`: runs steps 1..k of a recorded session in a fresh kernel,
 * compares each new execution with the recorded one, and records the
 * replay (with its lineage) to the Trail server. The preflight and the run
 * are the replay models of the extension (src/model/replay-run), driven
 * from a terminal.
 */
import {
  PreflightModel,
  type IPreflightServer
} from '../model/replay-run/preflight';
import { CliError, ExitCode } from './exit-codes';
import { probeTarget, type TargetProbe } from './probe';
import { preflightLines, stepLine, summaryLines } from './report';
import { summarize, type ReplayDocument } from './replay-document';
import {
  runSessionCommand,
  type CliIO,
  type SessionCommandOptions,
  type SessionContext
} from './session-command';
import { StepsRun } from './steps-run';

export type { CliIO } from './session-command';

/** The options of `trail replay`. */
export interface ReplayOptions extends SessionCommandOptions {
  yes?: boolean;
}

/** Runs the command; resolves with the exit code. */
export function replay(
  target: string,
  options: ReplayOptions,
  io: CliIO
): Promise<ExitCode> {
  return runSessionCommand(
    {
      name: 'replay',
      prepare: async () => undefined,
      run: async context => {
        const document = await new ReplayRun(context, options, io).run();
        return { document, exitCode: document.summary.exitCode };
      }
    },
    target,
    options,
    io
  );
}

/** One replay, from the kernel's start to the delivery of its record. */
class ReplayRun {
  constructor(
    private readonly context: SessionContext,
    private readonly options: ReplayOptions,
    private readonly io: CliIO
  ) {
    // With --json, stdout carries only the document.
    this.say = options.json ? io.err : io.out;
  }

  async run(): Promise<ReplayDocument> {
    const { source, connection, kernelName } = this.context;
    const run = new StepsRun({
      connection,
      jupyter: this.context.jupyter,
      source,
      io: this.io,
      strict: this.options.strict ?? false,
      say: this.say,
      lineage: () => ({
        kind: 'replay',
        sessionId: source.session.id,
        step: source.upto
      }),
      line: result => stepLine(result, source.upto)
    });
    const kernel = await run.start(kernelName);
    const author = source.session.author?.name;
    this.say(
      `Replaying steps 1-${source.upto} of ${source.total} of session ${source.session.id}` +
        ` (${source.session.notebookPath}${author ? `, by ${author}` : ''})` +
        ` in a new "${kernelName}" kernel, in ${this.io.cwd}`
    );
    let preflight: ReplayDocument['preflight'];
    try {
      preflight = await this.preflight(probe =>
        probeTarget(kernel, probe, this.io.cwd)
      );
    } catch (error) {
      // Stopped before the first step: nothing is recorded.
      run.discard();
      throw error;
    }
    const outcome = await run.runSteps();
    const summary = summarize(
      outcome.steps,
      {
        sourceSessionId: source.session.id,
        upto: source.upto,
        replaySessionId: outcome.sessionId,
        recorded: outcome.delivery.delivered,
        recordError: outcome.delivery.error
      },
      outcome.interrupted
    );
    for (const line of summaryLines(summary)) {
      this.say(line);
    }
    return {
      source: {
        sessionId: source.session.id,
        notebookPath: source.session.notebookPath,
        ...(author ? { author } : {}),
        total: source.total,
        upto: source.upto,
        structured: source.structured
      },
      server: connection.url,
      kernel: kernelName,
      preflight,
      steps: outcome.steps,
      summary
    };
  }

  /** The preflight model: inputs from the server, the probe, the server's report. */
  private async preflight(
    probe: (paths: string[]) => Promise<TargetProbe>
  ): Promise<ReplayDocument['preflight']> {
    const { source } = this.context;
    let probed: TargetProbe | null = null;
    const server: IPreflightServer = this.context.connection.client;
    const model = new PreflightModel({
      sessionId: source.session.id,
      step: source.upto,
      server,
      probe: async paths => (probed = await probe(paths))
    });
    await model.run();
    const report = model.report;
    model.dispose();
    if (!report || !probed) {
      // The replay itself still tells what differs.
      this.io.err(
        `Preflight: not available (${model.error?.message ?? 'no report'}); replaying without it.`
      );
      return null;
    }
    const { source: via, problem } = probed as TargetProbe;
    for (const line of preflightLines(report, {
      upto: source.upto,
      probe: via,
      problem
    })) {
      this.say(line);
    }
    if (
      !report.ready &&
      !this.options.yes &&
      !this.options.json &&
      this.io.confirm &&
      !(await this.io.confirm('Replay anyway?'))
    ) {
      throw new CliError(
        'Stopped before the replay: the preflight is not ready.',
        ExitCode.Interrupted
      );
    }
    return { ...report, probe: via, ...(problem ? { problem } : {}) };
  }

  private readonly say: (line: string) => void;
}
