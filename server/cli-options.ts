/**
 * The command line of the server (flags with environment fallbacks):
 *
 *     trail-server --host 127.0.0.1 --port 0 --data <dir> --token-file <file>
 *                  [--token <t>] [--cors-origin <o>]... [--max-body-bytes <n>]
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_MAX_BODY_BYTES } from './app';
import { SERVER_INFO } from './version';

/** The server's settings after flags and environment are applied. */
export interface ServerOptions {
  host: string;
  port: number;
  dataDir: string;
  token?: string;
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

/**
 * Parses `argv` (as process.argv) and the environment (TRAIL_HOST,
 * TRAIL_PORT, TRAIL_DATA_DIR, TRAIL_TOKEN, TRAIL_TOKEN_FILE,
 * TRAIL_CORS_ORIGINS comma-separated, TRAIL_MAX_BODY_BYTES). Exits on bad
 * input.
 */
export function parseServerOptions(argv: string[]): ServerOptions {
  const program = new Command()
    .name('trail-server')
    .description(
      'The Trail server: stores and serves notebook execution records.'
    )
    .version(SERVER_INFO.version)
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
      ).env('TRAIL_TOKEN_FILE')
    )
    .addOption(
      new Option(
        '--cors-origin <origin>',
        'allowed browser origin, repeatable; "*" allows any (default: http://localhost:* and http://127.0.0.1:*)'
      )
        .argParser(collect)
        .default([])
    )
    .addOption(
      new Option('--max-body-bytes <n>', 'request body size limit')
        .env('TRAIL_MAX_BODY_BYTES')
        .argParser(parseBytes)
        .default(DEFAULT_MAX_BODY_BYTES)
    );
  program.parse(argv);
  const opts = program.opts();
  let corsOrigins = opts.corsOrigin as string[];
  const fromEnv = process.env.TRAIL_CORS_ORIGINS;
  if (corsOrigins.length === 0 && fromEnv) {
    corsOrigins = fromEnv
      .split(',')
      .map(o => o.trim())
      .filter(Boolean);
  }
  return {
    host: opts.host,
    port: opts.port,
    dataDir: opts.data,
    token: opts.token,
    tokenFile: opts.tokenFile,
    corsOrigins,
    maxBodyBytes: opts.maxBodyBytes
  };
}
