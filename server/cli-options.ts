/**
 * The command line of the server: one program whose default action starts
 * the server and whose `users` and `tokens` commands manage the team, so
 * `trail-server --help` lists all of it.
 *
 *     trail-server [--host 127.0.0.1] [--port 0] [--data <dir>]
 *                  [--token <t> | --token-file <file>] [--cors-origin <o>]...
 *                  [--max-body-bytes <n>]
 *     trail-server users|tokens ... (see access/admin-cli.ts)
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

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function serverOptions(opts: Record<string, unknown>): ServerOptions {
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
    maxBodyBytes: opts.maxBodyBytes as number
  };
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
    'Team commands (each also takes --data <dir> and --json; add --help for details):',
    ...lines.map(([usage, what]) => `${usage.padEnd(width)}  ${what}`)
  ].join('\n');
}

/**
 * Builds the command line. `serve` runs with the parsed options (flags,
 * then TRAIL_HOST, TRAIL_PORT, TRAIL_DATA_DIR, TRAIL_TOKEN,
 * TRAIL_TOKEN_FILE, TRAIL_CORS_ORIGINS comma-separated,
 * TRAIL_MAX_BODY_BYTES) when no command is given.
 */
function buildCli(
  serve: (options: ServerOptions) => Promise<number>,
  output: Output
): { program: Command; code: () => number } {
  let served = 0;
  const program = overrideExit(new Command(), output)
    .name('trail-server')
    .description(
      'The Trail server: stores and serves notebook execution records.\n' +
        'Without a command it starts the server; `users` and `tokens` manage the team.'
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
      new Option('--data <dir>', 'data folder')
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
    .action(async (_opts, command: Command) => {
      if (command.args.length > 0) {
        command.error(
          `error: unknown command '${command.args[0]}' (see trail-server --help)`
        );
      }
      served = await serve(serverOptions(command.opts()));
    });
  const admin = addAdminCommands(program, output);
  program.addHelpText('after', () => teamCommandsHelp(program));
  return {
    program,
    code: () => (served !== 0 ? served : admin())
  };
}

/**
 * Runs the command line (argv as process.argv). Resolves with the exit code:
 * what `serve` or the admin command returned, 0 after help or version, 2 on
 * a usage error (printed).
 */
export function runCli(
  argv: string[],
  serve: (options: ServerOptions) => Promise<number>,
  output: Output = defaultOutput
): Promise<number> {
  const { program, code } = buildCli(serve, output);
  return exitCodeOf(program.parseAsync(argv), code);
}
