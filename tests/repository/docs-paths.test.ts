/**
 * The READMEs name files that exist. Every repository path that README.md
 * and server/README.md name must be there:
 *
 * - in a "Layout" section, each entry of a fenced tree (a line's first
 *   word when it ends with `/` or has an extension; indentation nests an
 *   entry under the folder above it), relative to the README's folder;
 * - anywhere, each word with a `/` in inline code or a fenced block that
 *   starts at a folder of the repository (or of the README's folder), or
 *   ends with a source extension.
 *
 * Not paths: URLs, absolute and home paths (`/srv/…`, `~/…`), `./…`,
 * placeholders and globs (`<data>/…`, `*`, `…`), mime types and npm scopes
 * (their first segment is no folder of ours), bare file names in prose.
 * Build outputs (paths git ignores, such as server/dist/) may be absent.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const READMES = ['README.md', 'server/README.md'];

/** Extensions that make a word a source path even off a known folder. */
const SOURCE_EXTENSION =
  /\.(?:ts|tsx|js|mjs|cjs|py|sh|md|css|toml|ipynb|spec\.ts|schema\.json)$/;

/** A name a README may mention. */
interface Mention {
  /** The path as a README spells it, for the failure message. */
  said: string;
  /** The path from the repository's root. */
  path: string;
  /** Where: `README.md:12`. */
  where: string;
}

/** The lines of a README with the heading each sits under and its fences. */
function* linesOf(
  text: string
): Generator<{ line: string; n: number; heading: string; fenced: boolean }> {
  let heading = '';
  let fenced = false;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^```/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (!fenced && /^#{1,6} /.test(line)) {
      heading = line.replace(/^#+ /, '');
    }
    yield { line, n: i + 1, heading, fenced };
  }
}

/** The words of inline code spans in a line of prose. */
function inlineCodeWords(line: string): string[] {
  return [...line.matchAll(/`([^`]+)`/g)].flatMap(m => m[1].split(/\s+/));
}

/** A word as a path, without the punctuation prose puts around it. */
function clean(word: string): string {
  return word.replace(/^[(["']+/, '').replace(/[)\]"',;:.]+$/, '');
}

/** Whether a word is no path at all (URL, placeholder, glob, absolute…). */
function notAPath(word: string): boolean {
  return (
    word === '' ||
    word.includes('://') ||
    /^(?:\/|~|\.\.?\/|\$|@|-)/.test(word) ||
    /[<>*?{}…=|"'`\\]|\.\.\./.test(word)
  );
}

/**
 * The repository path a word with a `/` names, or null: it must start at
 * a folder of the README's folder or of the root, or end with a source
 * extension (then it is read from the root when not found beside).
 */
function resolveWord(word: string, base: string, tops: Set<string>) {
  if (!word.includes('/') || notAPath(word)) {
    return null;
  }
  const first = word.split('/')[0];
  if (base !== '.' && existsSync(join(ROOT, base, first))) {
    return posix.join(base, word);
  }
  if (tops.has(first) || SOURCE_EXTENSION.test(word.replace(/\/$/, ''))) {
    return posix.normalize(word);
  }
  return null;
}

/** Every repository path a README names. */
function mentions(readme: string, tops: Set<string>): Mention[] {
  const text = readFileSync(join(ROOT, readme), 'utf8');
  const base = posix.dirname(readme);
  const found: Mention[] = [];
  // The layout tree's open folders: [indent, path].
  let tree: [number, string][] = [];
  for (const { line, n, heading, fenced } of linesOf(text)) {
    const where = `${readme}:${n}`;
    const layout = fenced && /layout/i.test(heading);
    if (!fenced) {
      tree = [];
    }
    if (layout) {
      const m = /^( *)(\S+)/.exec(line);
      const entry = m ? m[2] : '';
      if (m && /(?:\/|\.[A-Za-z0-9]+)$/.test(entry) && !notAPath(entry)) {
        const indent = m[1].length;
        while (tree.length > 0 && tree[tree.length - 1][0] >= indent) {
          tree.pop();
        }
        const parent = tree.length > 0 ? tree[tree.length - 1][1] : base;
        const path = posix.join(parent, entry);
        found.push({ said: entry, path, where });
        if (entry.endsWith('/')) {
          tree.push([indent, path]);
        }
      }
      continue;
    }
    const words = fenced ? line.split(/\s+/) : inlineCodeWords(line);
    for (const word of words.map(clean)) {
      const path = resolveWord(word, base, tops);
      if (path !== null) {
        found.push({ said: word, path, where });
      }
    }
  }
  return found;
}

/** The paths git ignores (build outputs), asked once for all. */
function ignoredByGit(paths: string[]): Set<string> {
  try {
    const out = execFileSync('git', ['check-ignore', '--no-index', '--stdin'], {
      cwd: ROOT,
      input: paths.join('\n'),
      encoding: 'utf8'
    });
    return new Set(out.split('\n').filter(Boolean));
  } catch (error) {
    // Exit status 1: none is ignored.
    const status = (error as { status?: number }).status;
    if (status === 1) {
      return new Set();
    }
    throw error;
  }
}

describe('the READMEs name paths that exist', () => {
  const tops = new Set(readdirSync(ROOT));
  const all = READMES.flatMap(readme => mentions(readme, tops));

  it('finds the paths they name (the check checks something)', () => {
    for (const readme of READMES) {
      const named = all.filter(m => m.where.startsWith(`${readme}:`));
      expect(named.length).toBeGreaterThan(20);
    }
  });

  it.each(READMES)('%s names no missing path', readme => {
    const named = all.filter(m => m.where.startsWith(`${readme}:`));
    const absent = named.filter(
      m => !existsSync(join(ROOT, m.path.replace(/\/$/, '')))
    );
    const ignored = ignoredByGit(absent.map(m => m.path));
    const missing = absent
      .filter(m => !ignored.has(m.path))
      .map(m => `${m.where}: ${m.said} (${m.path})`);
    expect(missing).toEqual([]);
  });

  it('reads a layout tree relative to the README and to its folders', () => {
    const paths = all.map(m => m.path);
    expect(paths).toContain('server/app.ts');
    expect(paths).toContain('server/store/');
    expect(paths).toContain('tests/server/');
    expect(paths).toContain('src/recorder/');
  });
});
