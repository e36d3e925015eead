/**
 * The command line of the server: one program whose default action starts
 * the server and whose commands manage the schema and the team, so
 * `trail-server --help` lists all of it.
 *
 *     trail-server [--host 127.0.0.1] [--port 0] [--data <dir>]
 *                  [--token <t> | --token-file <file>] [--cors-origin <o>]...
 *                  [--max-body-bytes <n>]
 *                  [--database <postgres://…> [--blobs <s3://bucket/prefix>]
 *                   [--database-wait <seconds>]]
 *     trail-server migrate --database <postgres://…>
 *     trail-server migrate --from <data dir> --to <postgres://…> [--blobs <s3://…>] [--owner <user>]
 *     trail-server export|import ... (see transfer/cli.ts)
 *     trail-server users|tokens ... (see access/admin-cli.ts)
 *
 * Without `--database` the server keeps the file store in `--data`; with
 * it, records, people and access live in PostgreSQL (blobs too, unless
 * `--blobs` names a bucket), shared by any number of servers.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  addAdminCommands,
  defaultOutput,
  exitCodeOf,
  overrideExit,
  type Output
} from './access/admin-cli';
import { DEFAULT_MAX_BODY_BYTES } from './app';
import {
  addTransferCommands,
  blobsOption,
  migrateFromDataFolder,
  ownerOption
} from './transfer/cli';
import { parseS3Url } from './store/s3-blobs';
import { SERVER_INFO } from './version';

/** The server's settings after flags and environment are applied. */
export interface ServerOptions {
  host: string;
  port: number;
  dataDir: string;
  token?: string;
  /** Absent: `<dataDir>/token`. */
  tokenFile?: string;
  corsOrigins: string[];
  maxBodyBytes: number;
  /** A PostgreSQL URL: the database backend instead of the file store. */
  database?: string;
  /** `s3://bucket[/prefix]`: blobs in an object store (only with `database`). */
  blobs?: string;
  /** How long a start waits for a database that does not answer, in s. */
  databaseWait: number;
}

/** What `trail-server migrate` (the schema) is given. */
export interface MigrateOptions {
  database: string;
  databaseWait: number;
}

/** What the commands do; the CLI only parses and calls these. */
export interface CliActions {
  serve(options: ServerOptions): Promise<number>;
  migrate(options: MigrateOptions): Promise<number>;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new InvalidArgumentError('must be a port number from 0 to 65535.');
  }
  return port;
}

function parseBytes(value: string): number {
  const bytes = Number(value);
  if (!/^\d+$/.test(value) || bytes < 1024) {
    throw new InvalidArgumentError('must be a number of bytes, at least 1024.');
  }
  return bytes;
}

function parseSeconds(value: string): number {
  if (!/^\d+$/.test(value)) {
    throw new InvalidArgumentError('must be a whole number of seconds.');
  }
  return Number(value);
}

/** A PostgreSQL connection URL (postgres:// or postgresql://). */
export function parseDatabaseUrl(value: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1];
  if (!scheme) {
    throw new InvalidArgumentError(
      'must be a PostgreSQL URL such as postgres://user:password@host:5432/trail.'
    );
  }
  if (scheme !== 'postgres' && scheme !== 'postgresql') {
    throw new InvalidArgumentError(
      `must start with postgres:// or postgresql:// (not ${scheme}://).`
    );
  }
  // The rest is the driver's to read (a Unix socket has no host:
  // postgres://user@/trail?host=/run/postgresql).
  return value;
}

/** An object-store location: `s3://bucket` or `s3://bucket/prefix`. */
function parseBlobUrl(value: string): string {
  try {
    parseS3Url(value);
  } catch (err) {
    throw new InvalidArgumentError(`${(err as Error).message}.`);
  }
  return value;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function serverOptions(
  opts: Record<string, unknown>,
  command: Command
): ServerOptions {
  const database = (opts.database as string | undefined) || undefined;
  const blobs = (opts.blobs as string | undefined) || undefined;
  if (blobs && !database) {
    command.error(
      'error: --blobs (TRAIL_BLOB_URL) needs --database (TRAIL_DATABASE_URL): ' +
        'the object store holds the blobs of a PostgreSQL-backed server; ' +
        'the file store keeps its blobs in the data folder'
    );
  }
  let corsOrigins = opts.corsOrigin as string[];
  const fromEnv = process.env.TRAIL_CORS_ORIGINS;
  if (corsOrigins.length === 0 && fromEnv) {
    corsOrigins = fromEnv
      .split(',')
      .map(o => o.trim())
      .filter(Boolean);
  }
  return {
    host: opts.host as string,
    port: opts.port as number,
    dataDir: opts.data as string,
    token: opts.token as string | undefined,
    tokenFile: opts.tokenFile as string | undefined,
    corsOrigins,
    maxBodyBytes: opts.maxBodyBytes as number,
    database,
    blobs,
    databaseWait: opts.databaseWait as number
  };
}

function databaseOption(): Option {
  return new Option(
    '--database <url>',
    'PostgreSQL URL (postgres://user:password@host:5432/db): records, ' +
      'people and access live there, shared by every server given it; ' +
      'without it, the file store in --data'
  )
    .env('TRAIL_DATABASE_URL')
    .argParser(parseDatabaseUrl);
}

function databaseWaitOption(): Option {
  return new Option(
    '--database-wait <seconds>',
    'how long a start waits for a database that does not answer'
  )
    .env('TRAIL_DATABASE_WAIT')
    .argParser(parseSeconds)
    .default(60);
}

/** Every team command with its arguments, for the end of `--help`. */
function teamCommandsHelp(program: Command): string {
  const lines = program.commands.flatMap(group =>
    group.commands
      .filter(c => c.name() !== 'help')
      .map(c => [
        `  ${program.name()} ${group.name()} ${c.name()} ${c.usage()}`,
        c.description()
      ])
  );
  const width = Math.max(...lines.map(([usage]) => usage.length));
  return [
    '',
    'Team commands (each also takes --data <dir> or --database <url>, and --json; add --help for details):',
    ...lines.map(([usage, what]) => `${usage.padEnd(width)}  ${what}`)
  ].join('\n');
}

/**
 * Builds the command line. `serve` runs with the parsed options (flags,
 * then TRAIL_HOST, TRAIL_PORT, TRAIL_DATA_DIR, TRAIL_TOKEN,
 * TRAIL_TOKEN_FILE, TRAIL_CORS_ORIGINS comma-separated,
 * TRAIL_MAX_BODY_BYTES, TRAIL_DATABASE_URL, TRAIL_BLOB_URL,
 * TRAIL_DATABASE_WAIT) when no command is given.
 */
function buildCli(
  actions: CliActions,
  output: Output
): { program: Command; code: () => number } {
  let served = 0;
  const program = overrideExit(new Command(), output)
    .name('trail-server')
    .description(
      'The Trail server: stores and serves notebook execution records.\n' +
        'Without a command it starts the server; `migrate` applies the ' +
        'database schema;\n`users` and `tokens` manage the team.'
    )
    .version(SERVER_INFO.version)
    // Options before a command are the server's; after it, the command's
    // (both have --data).
    .enablePositionalOptions()
    .addOption(
      new Option('--host <host>', 'interface to listen on')
        .env('TRAIL_HOST')
        .default('127.0.0.1')
    )
    .addOption(
      new Option('--port <port>', 'port to listen on; 0 picks a free one')
        .env('TRAIL_PORT')
        .argParser(parsePort)
        .default(0)
    )
    .addOption(
      new Option('--data <dir>', 'data folder (the file store)')
        .env('TRAIL_DATA_DIR')
        .default('.trail-data')
    )
    .addOption(
      new Option('--token <token>', 'bearer token clients must send').env(
        'TRAIL_TOKEN'
      )
    )
    .addOption(
      new Option(
        '--token-file <file>',
        'file holding the token; created with a random token (mode 0600) if missing'
      )
        .env('TRAIL_TOKEN_FILE')
        .default(undefined, '<data>/token')
    )
    .addOption(
      new Option(
        '--cors-origin <origin>',
        'allowed browser origin, repeatable, or TRAIL_CORS_ORIGINS=a,b; "*" allows any'
      )
        .argParser(collect)
        .default([], 'http://localhost:* and http://127.0.0.1:*')
    )
    .addOption(
      new Option('--max-body-bytes <n>', 'request body size limit')
        .env('TRAIL_MAX_BODY_BYTES')
        .argParser(parseBytes)
        .default(DEFAULT_MAX_BODY_BYTES)
    )
    .addOption(databaseOption())
    .addOption(
      new Option(
        '--blobs <url>',
        'object store for blobs, s3://bucket/prefix (only with --database; ' +
          'endpoint and credentials from the AWS_* variables); without it, ' +
          'blobs live in the database'
      )
        .env('TRAIL_BLOB_URL')
        .argParser(parseBlobUrl)
    )
    .addOption(databaseWaitOption())
    .action(async (_opts, command: Command) => {
      if (command.args.length > 0) {
        command.error(
          `error: unknown command '${command.args[0]}' (see trail-server --help)`
        );
      }
      served = await actions.serve(serverOptions(command.opts(), command));
    });
  program
    .command('migrate')
    .description(
      'apply the PostgreSQL schema migrations the database lacks and print ' +
        'them (a server also applies them at start); with --from, copy a ' +
        'data folder into the database and check the copy'
    )
    .addOption(databaseOption())
    .addOption(databaseWaitOption())
    .addOption(
      new Option(
        '--from <dir>',
        'data folder to copy into the database (stop its server first); resumable'
      )
    )
    .addOption(
      new Option(
        '--to <url>',
        'the database to copy into (as --database)'
      ).argParser(parseDatabaseUrl)
    )
    .addOption(blobsOption())
    .addOption(ownerOption())
    .action(async (opts: Record<string, unknown>, command: Command) => {
      const database = (opts.to ?? opts.database) as string | undefined;
      if (opts.owner !== undefined && !opts.from) {
        command.error('error: --owner goes with migrate --from <dir>');
      }
      if (opts.from) {
        if (!database) {
          command.error('error: migrate --from <dir> needs --to <url>');
        }
        served = await migrateFromDataFolder(
          {
            from: opts.from as string,
            to: database!,
            blobs: opts.blobs as string | undefined,
            databaseWait: opts.databaseWait as number,
            owner: opts.owner as string | undefined
          },
          output
        );
        return;
      }
      if (!database) {
        command.error(
          'error: migrate needs --database <url> (or TRAIL_DATABASE_URL)'
        );
      }
      served = await actions.migrate({
        database: database!,
        databaseWait: opts.databaseWait as number
      });
    });
  const transfer = addTransferCommands(program, output);
  const admin = addAdminCommands(program, output);
  program.addHelpText('after', () => teamCommandsHelp(program));
  return {
    program,
    code: () => served || transfer() || admin()
  };
}

/**
 * Runs the command line (argv as process.argv). Resolves with the exit code:
 * what `serve`, `migrate` or the admin command returned, 0 after help or
 * version, 2 on a usage error (printed).
 */
export function runCli(
  argv: string[],
  actions: CliActions,
  output: Output = defaultOutput
): Promise<number> {
  const { program, code } = buildCli(actions, output);
  return exitCodeOf(program.parseAsync(argv), code);
}
