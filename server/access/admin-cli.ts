/**
 * The team-management commands of the server's CLI:
 *
 *     trail-server users add <name> [--admin] [--display-name <text>]
 *     trail-server users list
 *     trail-server users role <name> <admin|member>
 *     trail-server users disable <name>
 *     trail-server tokens issue <user> [--label <text>]
 *     trail-server tokens list [user]
 *     trail-server tokens revoke <token-id | prefix | user:<name>>
 *
 * Each takes `--data <dir>` (or TRAIL_DATA_DIR) and `--json`, and edits
 * `<data>/users.json`; or, given `--database <postgres://…>` (or
 * TRAIL_DATABASE_URL), the team tables of that database (applying the
 * schema's migrations first, as a server starting would). Either way a
 * running server picks the change up by itself. Both are a DirectoryWriter
 * (directory-writer.ts).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeDatabase, scrubSecret } from '../database-wait';
import { openDatabase } from '../store/postgres/database';
import { isUnavailable } from '../store/postgres/pg-errors';
import { PgDirectory } from '../store/postgres/pg-directory';
import {
  DirectoryError,
  TOKEN_PREFIX,
  UserDirectory,
  type Role,
  type TokenRecord,
  type UserRecord
} from './directory';
import type { DirectoryWriter } from './directory-writer';

/** Where a command writes: stdout and stderr, or a test's buffers. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** The process's stdout and stderr. */
export const defaultOutput: Output = {
  out: text => process.stdout.write(text + '\n'),
  err: text => process.stderr.write(text + '\n')
};

function table(rows: string[][]): string {
  if (rows.length === 0) {
    return '';
  }
  const widths = rows[0].map((_, i) =>
    Math.max(...rows.map(r => (r[i] ?? '').length))
  );
  return rows
    .map(r =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i])))
        .join('  ')
    )
    .join('\n');
}

function userRow(u: UserRecord): string[] {
  return [u.name, u.role, u.disabledAt ? 'disabled' : 'active', u.displayName];
}

function tokenRow(t: TokenRecord, users: DirectoryWriter): string[] {
  return [
    t.id,
    users.userById(t.userId)?.name ?? '?',
    `${TOKEN_PREFIX}${t.prefix}…`,
    t.revokedAt ? `revoked ${t.revokedAt}` : 'active',
    t.label
  ];
}

/** A PostgreSQL URL (postgres:// or postgresql://), else a usage error. */
function parsePostgresUrl(value: string): string {
  let protocol = '';
  try {
    protocol = new URL(value).protocol;
  } catch {
    // Reported below.
  }
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
    throw new InvalidArgumentError(
      'must be a PostgreSQL URL such as postgres://user:password@host:5432/trail.'
    );
  }
  return value;
}

/**
 * Why the database could not be reached: the driver's code (ECONNREFUSED,
 * 57P03…) where the 503 quotes one, else the whole message.
 */
function reasonOf(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown; cause?: unknown };
  if (e.cause && e.cause !== err) {
    return reasonOf(e.cause);
  }
  if (typeof e.code === 'string' && e.code !== 'database_unavailable') {
    return e.code;
  }
  const message = typeof e.message === 'string' ? e.message : String(err);
  return (
    /^the database is unavailable \((.+?)\);/.exec(message)?.[1] ?? message
  );
}

/**
 * Adds the `users` and `tokens` commands to `program` (the server's own
 * command line, or a bare one in tests). Returns the exit code of the
 * command that ran: 0 on success, 1 when the directory refused (unknown
 * user, taken name...).
 */
export function addAdminCommands(
  program: Command,
  output: Output = defaultOutput
): () => number {
  let code = 0;
  const dataOption = () =>
    new Option('--data <dir>', 'data folder of the server')
      .env('TRAIL_DATA_DIR')
      .default('.trail-data');
  const databaseOption = () =>
    new Option(
      '--database <url>',
      'PostgreSQL URL of the team (instead of --data)'
    )
      .env('TRAIL_DATABASE_URL')
      .argParser(parsePostgresUrl);
  const jsonOption = () => new Option('--json', 'print JSON');

  /** What a command opened (a database's pool), closed once it ends. */
  const closers: (() => Promise<void>)[] = [];
  let database = '';
  const open = async (opts: {
    data: string;
    database?: string;
  }): Promise<DirectoryWriter> => {
    if (opts.database) {
      database = opts.database;
      const db = openDatabase(opts.database, {
        log: { warn: m => output.err(`warning: ${m}`) },
        poolSize: 2
      });
      try {
        await db.migrate();
        const directory = await PgDirectory.open(db);
        closers.push(() => db.close());
        return directory;
      } catch (err) {
        await db.close().catch(() => undefined);
        throw err;
      }
    }
    const dir = resolve(opts.data);
    mkdirSync(dir, { recursive: true });
    return UserDirectory.open(dir, { reloadIntervalMs: 0 });
  };
  const act =
    <A extends unknown[]>(fn: (...args: A) => Promise<void>) =>
    async (...args: A) => {
      try {
        await fn(...args);
      } catch (err) {
        if (err instanceof DirectoryError) {
          output.err(`error: ${err.message}`);
          code = 1;
          return;
        }
        if (database && isUnavailable(err)) {
          output.err(
            `error: cannot reach PostgreSQL at ${describeDatabase(database)} ` +
              `(${scrubSecret(reasonOf(err), database)}); nothing was changed`
          );
          code = 1;
          return;
        }
        throw err;
      } finally {
        await Promise.all(closers.splice(0).map(close => close()));
      }
    };

  const users = program.command('users').description('manage team members');
  users
    .command('add <name>')
    .description('add a user (a member unless --admin)')
    .option('--admin', 'give the admin role')
    .option('--display-name <text>', 'name shown to teammates')
    .addOption(dataOption())
    .addOption(databaseOption())
    .addOption(jsonOption())
    .action(
      act(async (name: string, opts) => {
        const dir = await open(opts);
        const user = await dir.addUser(name, {
          role: opts.admin ? 'admin' : 'member',
          displayName: opts.displayName
        });
        output.out(
          opts.json
            ? JSON.stringify(user)
            : `added ${user.role} "${user.name}" (${user.id})`
        );
      })
    );
  users
    .command('list')
    .description('list users')
    .addOption(dataOption())
    .addOption(databaseOption())
    .addOption(jsonOption())
    .action(
      act(async opts => {
        const dir = await open(opts);
        output.out(
          opts.json
            ? JSON.stringify(dir.users)
            : dir.users.length
              ? table([
                  ['NAME', 'ROLE', 'STATE', 'DISPLAY NAME'],
                  ...dir.users.map(userRow)
                ])
              : 'no users yet: add one with `trail-server users add <name>`'
        );
      })
    );
  users
    .command('role <name> <role>')
    .description('set a user role: admin or member')
    .addOption(dataOption())
    .addOption(databaseOption())
    .addOption(jsonOption())
    .action(
      act(async (name: string, role: string, opts) => {
        if (role !== 'admin' && role !== 'member') {
          throw new DirectoryError(
            `the role must be "admin" or "member", not "${role}"`
          );
        }
        const user = await (await open(opts)).setRole(name, role as Role);
        output.out(
          opts.json ? JSON.stringify(user) : `"${user.name}" is now ${role}`
        );
      })
    );
  users
    .command('disable <name>')
    .description(
      'disable a user: their tokens stop working, their history stays'
    )
    .addOption(dataOption())
    .addOption(databaseOption())
    .addOption(jsonOption())
    .action(
      act(async (name: string, opts) => {
        const user = await (await open(opts)).disableUser(name);
        output.out(
          opts.json ? JSON.stringify(user) : `disabled "${user.name}"`
        );
      })
    );

  const tokens = program
    .command('tokens')
    .description('manage personal API tokens');
  tokens
    .command('issue <user>')
    .description('issue a token for a user; it is printed once')
    .option('--label <text>', 'what the token is for', 'default')
    .addOption(dataOption())
    .addOption(databaseOption())
    .addOption(jsonOption())
    .action(
      act(async (name: string, opts) => {
        const { token, record } = await (
          await open(opts)
        ).issueToken(name, opts.label);
        if (opts.json) {
          output.out(JSON.stringify({ token, id: record.id }));
        } else {
          output.out(token);
          output.err(
            `issued token ${record.id} for "${name}": it is shown only now; ` +
              'set it as TRAIL_TOKEN in their JupyterLab'
          );
        }
      })
    );
  tokens
    .command('list [user]')
    .description('list tokens (never the secrets)')
    .addOption(dataOption())
    .addOption(databaseOption())
    .addOption(jsonOption())
    .action(
      act(async (name: string | undefined, opts) => {
        const dir = await open(opts);
        const user = name ? dir.userByName(name) : undefined;
        if (name && !user) {
          throw new DirectoryError(`there is no user named "${name}"`);
        }
        const list = (await dir.listTokens()).filter(
          t => !user || t.userId === user.id
        );
        output.out(
          opts.json
            ? JSON.stringify(list.map(({ sha256: _hash, ...t }) => t))
            : list.length
              ? table([
                  ['ID', 'USER', 'TOKEN', 'STATE', 'LABEL'],
                  ...list.map(t => tokenRow(t, dir))
                ])
              : 'no tokens'
        );
      })
    );
  tokens
    .command('revoke <which>')
    .description(
      'revoke by token id, token prefix, or user:<name> for all of a user'
    )
    .addOption(dataOption())
    .addOption(databaseOption())
    .addOption(jsonOption())
    .action(
      act(async (which: string, opts) => {
        const revoked = await (await open(opts)).revokeTokens(which);
        output.out(
          opts.json
            ? JSON.stringify(revoked.map(t => t.id))
            : revoked.length
              ? `revoked ${revoked.map(t => t.id).join(', ')}`
              : 'already revoked'
        );
      })
    );

  return () => code;
}

/** Parse errors and help exit through this instead of process.exit. */
export function overrideExit(program: Command, output: Output): Command {
  return program.exitOverride().configureOutput({
    writeOut: s => output.out(s.trimEnd()),
    writeErr: s => output.err(s.trimEnd())
  });
}

/**
 * Runs `parse` (commander's parseAsync on a program made with
 * {@link overrideExit}) and maps its outcome to an exit code: `code()` after
 * a command ran, 0 after help or version, 2 on a usage error.
 */
export async function exitCodeOf(
  parse: Promise<unknown>,
  code: () => number
): Promise<number> {
  try {
    await parse;
  } catch (err) {
    const exitCode = (err as { exitCode?: number }).exitCode;
    if (typeof exitCode === 'number') {
      // commander printed the help or the usage error already.
      return exitCode === 0 ? 0 : 2;
    }
    throw err;
  }
  return code();
}

/**
 * Runs an admin command alone (argv as process.argv). Resolves with the
 * exit code: 0 on success, 1 when the directory refused, 2 on a usage error.
 */
export async function runAdminCli(
  argv: string[],
  output: Output = defaultOutput
): Promise<number> {
  const program = overrideExit(new Command().name('trail-server'), output);
  const code = addAdminCommands(program, output);
  return exitCodeOf(program.parseAsync(argv), code);
}
