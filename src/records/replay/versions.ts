/**
 * Package versions compared as pip orders them (PEP 440): epoch, release
 * numbers (1.10 after 1.9, 1.0 equal to 1.0.0), then dev < pre (a < b < rc)
 * < final < post, and the local label (+cpu) last. A version PEP 440 cannot
 * read (legacy, or a VCS label) falls back to comparing its numbers.
 */

interface IParsedVersion {
  epoch: number;
  release: number[];
  /** [rank, n]: a=0, b=1, rc=2; absent for a final release. */
  pre?: [number, number];
  post?: number;
  dev?: number;
  local: string;
}

const PEP440 =
  /^\s*v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(a|alpha|b|beta|c|rc|pre|preview)[-_.]?(\d*))?(?:-(\d+)|[-_.]?(?:post|rev|r)[-_.]?(\d*))?(?:[-_.]?dev[-_.]?(\d*))?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$/i;

function parse(version: string): IParsedVersion | undefined {
  const m = PEP440.exec(version);
  if (!m) {
    return undefined;
  }
  const preKind = m[3]?.toLowerCase();
  const preRank =
    preKind === undefined
      ? undefined
      : preKind.startsWith('a')
        ? 0
        : preKind.startsWith('b')
          ? 1
          : 2;
  const post = m[5] ?? m[6];
  return {
    epoch: m[1] ? Number(m[1]) : 0,
    release: m[2].split('.').map(Number),
    pre: preRank === undefined ? undefined : [preRank, Number(m[4] || 0)],
    post: post === undefined ? undefined : Number(post || 0),
    dev: m[7] === undefined ? undefined : Number(m[7] || 0),
    local: (m[8] ?? '').toLowerCase()
  };
}

function sign(n: number): -1 | 0 | 1 {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

function compareReleases(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d) {
      return d;
    }
  }
  return 0;
}

/**
 * The sort keys of the suffixes: a dev release of a final version comes
 * before its pre-releases, a post release after the final.
 */
function suffixKey(v: IParsedVersion): number[] {
  const pre =
    v.pre ??
    (v.post === undefined && v.dev !== undefined ? [-1, 0] : [Infinity, 0]);
  const post = v.post ?? -1;
  const dev = v.dev ?? Infinity;
  return [pre[0], pre[1], post, dev];
}

/**
 * Compares two versions: negative when `a` is older, positive when newer,
 * 0 when pip would call them equal.
 */
export function compareVersions(a: string, b: string): -1 | 0 | 1 {
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) {
    // Legacy versions: numbers compared as numbers, the rest as text.
    return sign(a.localeCompare(b, 'en', { numeric: true }));
  }
  const order =
    pa.epoch - pb.epoch ||
    compareReleases(pa.release, pb.release) ||
    compareReleases(suffixKey(pa), suffixKey(pb));
  if (order) {
    return sign(order);
  }
  return sign(pa.local.localeCompare(pb.local, 'en', { numeric: true }));
}
