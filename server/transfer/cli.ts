/**
 * The transfer commands of the server's command line:
 *
 *     trail-server export (--out FILE | --parquet DIR) [--data DIR | --database URL [--blobs s3://…]]
 *     trail-server import --in FILE [--data DIR | --database URL [--blobs s3://…]] [--owner USER]
 *     trail-server migrate --from DIR --to URL [--blobs s3://…] [--owner USER]   (in cli-options.ts)
 *
 * A data folder is opened under its lock (stop its server first); a
 * database may be in use by servers. Progress goes to stderr, the result
 * to stdout; exit code 0 when done, 1 when refused (a precise message),
 * and for migrate also when the check finds a difference.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { resolve } from 'node:path';
import type { Output } from '../access/admin-cli';
import { OWNER_ID } from '../access/directory';
import { AppError } from '../errors';
import { waitForDatabase } from '../database-wait';
import { parseS3Url } from '../store/s3-blobs';
import { comparisonTable } from './compare';
import { exportHistory } from './export';
import { openFileEnd } from './file-end';
import { TransferError, type HistoryEnd } from './history-end';
import { importHistory } from './import';
import { migrateHistory } from './migrate';
import {
  checkEarlierOwner,
  ownedSource,
  ownerUser,
  SourceOwners
} from './owner-map';
import { exportParquet } from './parquet';
import { openPostgresEnd } from './pg-end';

/** Where a transfer command reads or writes. */
interface EndOptions {
  data: string;
  database?: string;
  blobs?: string;
  databaseWait: number;
}

/** What `trail-server migrate --from` is given. */
export interface MigrateFromOptions {
  from: string;
  to: string;
  blobs?: string;
  databaseWait: number;
  /** The target's user the source's owner principal's sessions become. */
  owner?: string;
}

function parseDatabase(value: string): string {
  if (!/^postgres(ql)?:\/\//.test(value)) {
    throw new InvalidArgumentError(
      'must be a PostgreSQL URL such as postgres://user:password@host:5432/trail.'
    );
  }
  return value;
}

function parseBlobs(value: string): string {
  try {
    parseS3Url(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  return value;
}

function parseSeconds(value: string): number {
  if (!/^\d+$/.test(value)) {
    throw new InvalidArgumentError('must be a whole number of seconds.');
  }
  return Number(value);
}

/** `--owner` of import and migrate --from (owner-map.ts). */
export function ownerOption(): Option {
  return new Option(
    '--owner <user>',
    "the target's user that the source owner's sessions become (e.g. a laptop's history); the user must exist there"
  );
}

/** `--blobs` of the transfer commands (also migrate's). */
export function blobsOption(): Option {
  return new Option(
    '--blobs <url>',
    "the database's object store, s3://bucket/prefix (AWS_* variables), if its blobs are there"
  )
    .env('TRAIL_BLOB_URL')
    .argParser(parseBlobs);
}

function endOptions(command: Command, verb: string): Command {
  return command
    .addOption(
      new Option('--data <dir>', `data folder to ${verb} (the file store)`)
        .env('TRAIL_DATA_DIR')
        .default('.trail-data')
    )
    .addOption(
      new Option(
        '--database <url>',
        `PostgreSQL database to ${verb} instead of a data folder`
      )
        .env('TRAIL_DATABASE_URL')
        .argParser(parseDatabase)
    )
    .addOption(blobsOption())
    .addOption(
      new Option(
        '--database-wait <seconds>',
        'how long to wait for a database that does not answer'
      )
        .env('TRAIL_DATABASE_WAIT')
        .argParser(parseSeconds)
        .default(10)
    );
}

/** Least time between two progress lines, in ms. */
const PROGRESS_MS = 5000;

/** A progress callback that prints at most one line every few seconds. */
function every(
  output: Output,
  line: (n: number) => string
): (n: number) => void {
  let last = Date.now();
  return n => {
    if (Date.now() - last >= PROGRESS_MS) {
      last = Date.now();
      output.err(line(n));
    }
  };
}

/** Opens the end the options name. */
async function openEnd(
  options: EndOptions,
  create: boolean,
  output: Output
): Promise<HistoryEnd> {
  if (options.database) {
    await waitForDatabase(options.database, options.databaseWait, m =>
      output.err(m)
    );
    return openPostgresEnd(options.database, { blobs: options.blobs });
  }
  if (options.blobs) {
    throw new TransferError(
      '--blobs needs --database: a data folder keeps its blobs itself'
    );
  }
  return openFileEnd(resolve(options.data), { create });
}

/** Runs a command's work, mapping refusals to exit code 1 and a message. */
async function guarded(
  output: Output,
  work: () => Promise<number>
): Promise<number> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof TransferError || err instanceof AppError) {
      output.err(`error: ${err.message}`);
      return 1;
    }
    output.err(`error: ${(err as Error).message ?? String(err)}`);
    return 1;
  }
}

/** Runs `work` on an end opened for it, closing it after. */
async function withEnd<T>(
  end: HistoryEnd,
  work: (end: HistoryEnd) => Promise<T>
): Promise<T> {
  try {
    return await work(end);
  } finally {
    await end.close();
  }
}

/**
 * `--owner`: checks the mapping against the user and against an earlier
 * run's (owner-map.ts) and gives the source as the target is to hold it.
 * Without `--owner`, only the earlier run's mapping is checked.
 */
async function withOwner(
  source: HistoryEnd,
  target: HistoryEnd,
  name: string | undefined,
  output: Output
): Promise<HistoryEnd> {
  const user = name === undefined ? null : await ownerUser(target, name);
  const owners = await SourceOwners.of(source);
  await checkEarlierOwner(owners, target, user?.id ?? OWNER_ID);
  if (!user) {
    return source;
  }
  output.err(
    `owner: the ${owners.ownerSessions().length} sessions of ${source.where}'s owner ` +
      `become ${user.name}'s (${user.id}), with the owner's notebook rules`
  );
  return ownedSource(source, user.id, owners.claimsFor(user.id));
}

/**
 * `trail-server migrate --from DIR --to URL`: copies the data folder into
 * the database and checks the copy; resolves with the exit code.
 */
export function migrateFromDataFolder(
  options: MigrateFromOptions,
  output: Output
): Promise<number> {
  return guarded(output, async () => {
    const source = await openFileEnd(resolve(options.from), { create: false });
    try {
      await waitForDatabase(options.to, options.databaseWait, m =>
        output.err(m)
      );
      const target = await openPostgresEnd(options.to, {
        blobs: options.blobs
      });
      return await withEnd(target, async () => {
        const from = await withOwner(source, target, options.owner, output);
        const report = await migrateHistory(
          from,
          target,
          line => output.err(line),
          { contained: options.owner !== undefined }
        );
        comparisonTable(report.comparison).forEach(line => output.out(line));
        if (!report.comparison.same) {
          const more = report.comparison.kinds.some(
            k => k.target.count > k.source.count
          );
          output.err(
            'error: the database differs from the data folder (see DIFFERS above): ' +
              (more
                ? 'it holds more than the folder (another history, or servers writing to it)'
                : 'run the migration again to complete it')
          );
          return 1;
        }
        output.out(
          report.nothingToDo
            ? 'nothing to copy: the database already held all of it; both sides match'
            : `migrated ${report.eventsCopied} events; both sides match`
        );
        return 0;
      });
    } finally {
      await source.close();
    }
  });
}

/**
 * Adds `export` and `import` to `program`; returns the exit code of the
 * one that ran (0 when neither did).
 */
export function addTransferCommands(
  program: Command,
  output: Output
): () => number {
  let code = 0;
  endOptions(
    program
      .command('export')
      .description(
        'write the whole history as gzip JSON Lines (--out) or Parquet (--parquet)'
      )
      .option('--out <file>', 'the export file to write (.jsonl.gz)')
      .option(
        '--parquet <dir>',
        'folder for executions.parquet, params.parquet and metrics.parquet'
      ),
    'export'
  ).action(async (opts: EndOptions & { out?: string; parquet?: string }) => {
    code = await guarded(output, async () => {
      if (!opts.out === !opts.parquet) {
        throw new TransferError(
          'export needs one of --out FILE or --parquet DIR'
        );
      }
      return withEnd(await openEnd(opts, false, output), async end => {
        if (opts.parquet) {
          const rows = await exportParquet(
            end,
            resolve(opts.parquet),
            every(output, n => `executions: ${n} written`)
          );
          output.out(
            `wrote ${rows.executions} executions, ${rows.params} params and ` +
              `${rows.metrics} metrics to ${resolve(opts.parquet)}`
          );
          return 0;
        }
        const out = resolve(opts.out!);
        const summary = await exportHistory(
          end,
          out,
          every(output, n => `events: ${n} written`)
        );
        if (summary.missingBlobs.length > 0) {
          output.err(
            `warning: ${summary.missingBlobs.length} cited blobs are missing from the source ` +
              `(first: ${summary.missingBlobs[0]}); the export holds the rest`
          );
        }
        const c = summary.counts;
        output.out(
          `exported ${c.event} events, ${c.blob} blobs, ${c.fact} access facts, ` +
            `${c.user} users and ${c.token} tokens (without their hashes) to ${out} ` +
            `(sha256 ${summary.sha256})`
        );
        return 0;
      });
    });
  });
  endOptions(
    program
      .command('import')
      .description(
        'read an export into this data folder or database (verified first; running it again completes it)'
      )
      .requiredOption('--in <file>', 'the export file (.jsonl.gz)')
      .addOption(ownerOption()),
    'import into'
  ).action(async (opts: EndOptions & { in: string; owner?: string }) => {
    code = await guarded(output, async () =>
      withEnd(await openEnd(opts, true, output), async end => {
        const summary = await importHistory(
          resolve(opts.in),
          end,
          every(output, n => `events: ${n} stored or found there`),
          { owner: opts.owner }
        );
        if (summary.ownerSessions !== undefined) {
          output.out(
            `${summary.ownerSessions} sessions of the exporting server's owner are ${opts.owner}'s`
          );
        }
        output.out(
          `imported ${summary.eventsStored} events (${summary.eventsPresent} were there), ` +
            `${summary.factsStored} access facts, ${summary.people.users} users`
        );
        if (summary.people.tokensWithoutHash > 0) {
          output.out(
            `${summary.people.tokensWithoutHash} tokens were not restored: an export holds ` +
              'no token hashes; issue new ones with `trail-server tokens issue <user>`'
          );
        }
        return 0;
      })
    );
  });
  return () => code;
}
