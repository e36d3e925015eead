/**
 * requirements.txt and requirements.lock: what the kept code imports, at the
 * versions the recording ran with, plus what it installed with `%pip`; the
 * full recorded freeze as the lock. requirements.txt names the lock as pip
 * constraints, so the packages those imports need are installed at their
 * recorded versions too.
 */
import { packageKey } from '../../environment';
import type { EnvironmentSnapshot } from '../../schema';
import { STDLIB_MODULES } from './stdlib';

/**
 * Import names whose distribution is named otherwise, candidates in order
 * (the first one the recorded environment has wins). An import not listed is
 * looked up under its own name.
 */
export const IMPORT_DISTRIBUTIONS: Readonly<Record<string, readonly string[]>> =
  {
    sklearn: ['scikit-learn'],
    skimage: ['scikit-image'],
    PIL: ['pillow'],
    yaml: ['PyYAML'],
    cv2: [
      'opencv-python',
      'opencv-python-headless',
      'opencv-contrib-python',
      'opencv-contrib-python-headless'
    ],
    bs4: ['beautifulsoup4'],
    dateutil: ['python-dateutil'],
    dotenv: ['python-dotenv'],
    attr: ['attrs'],
    Crypto: ['pycryptodome'],
    OpenSSL: ['pyOpenSSL'],
    jwt: ['PyJWT'],
    git: ['GitPython'],
    serial: ['pyserial'],
    zmq: ['pyzmq'],
    docx: ['python-docx'],
    pptx: ['python-pptx'],
    fitz: ['PyMuPDF'],
    umap: ['umap-learn'],
    mpl_toolkits: ['matplotlib'],
    pkg_resources: ['setuptools'],
    google: ['protobuf', 'google-cloud-storage', 'google-auth'],
    tensorflow: ['tensorflow', 'tensorflow-cpu', 'tensorflow-macos'],
    torch: ['torch'],
    Levenshtein: ['Levenshtein', 'python-Levenshtein'],
    magic: ['python-magic'],
    jose: ['python-jose'],
    multipart: ['python-multipart'],
    slugify: ['python-slugify'],
    MySQLdb: ['mysqlclient'],
    psycopg2: ['psycopg2', 'psycopg2-binary'],
    lightgbm: ['lightgbm'],
    xgboost: ['xgboost'],
    Bio: ['biopython'],
    igraph: ['igraph', 'python-igraph'],
    win32api: ['pywin32'],
    sentencepiece: ['sentencepiece'],
    IPython: ['ipython']
  };

/** Modules the pipeline provides itself (its own `trail` object). */
const PROVIDED = new Set(['trail', 'jupyterlab_trail']);

/** The requirements of a pipeline, and the imports it could not pin. */
export interface ResolvedRequirements {
  /** requirements.txt's requirement lines, sorted by package. */
  requirements: string[];
  /** Imports neither in the standard library nor in the recorded environment. */
  unresolved: string[];
  /** `%pip` arguments that are not requirements here (`-r file`, `-e .`). */
  skipped: string[];
}

const REQUIREMENT_NAME =
  /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$/;

/**
 * Pins each import at the version the recorded environment had, and adds
 * the `%pip` requirements: one with a version specifier is kept as written
 * (installed during the run, it may postdate the snapshot), a bare one gets
 * the recorded version when the snapshot has the package.
 */
export function resolveRequirements(
  imports: readonly string[],
  pipRequirements: readonly string[],
  environment: EnvironmentSnapshot | null | undefined
): ResolvedRequirements {
  const packages = new Map(
    (environment?.packages ?? []).map(p => [packageKey(p.name), p])
  );
  const byKey = new Map<string, string>();
  const unresolved: string[] = [];
  const skipped: string[] = [];
  for (const name of new Set(imports)) {
    const top = name.split('.')[0];
    if (
      !top ||
      top.startsWith('_') ||
      STDLIB_MODULES.has(top) ||
      PROVIDED.has(top)
    ) {
      continue;
    }
    const candidates = [...(IMPORT_DISTRIBUTIONS[top] ?? []), top];
    const found = candidates
      .map(candidate => packages.get(packageKey(candidate)))
      .find(p => p !== undefined);
    if (found) {
      byKey.set(packageKey(found.name), `${found.name}==${found.version}`);
    } else if (!unresolved.includes(top)) {
      unresolved.push(top);
    }
  }
  for (const raw of pipRequirements) {
    const text = raw.trim();
    if (!text) {
      continue;
    }
    if (text.startsWith('-') || /^(\.|\/|~)/.test(text)) {
      skipped.push(text);
      continue;
    }
    const match = REQUIREMENT_NAME.exec(text);
    if (!match || /^[a-z+]+:\/\//i.test(text)) {
      // A URL (git+https://...): pip installs it as written.
      byKey.set(text, text);
      continue;
    }
    const key = packageKey(match[1]);
    if (match[3]) {
      byKey.set(key, text);
    } else if (!byKey.has(key)) {
      const recorded = packages.get(key);
      byKey.set(key, recorded ? `${text}==${recorded.version}` : text);
    }
  }
  const requirements = [...byKey.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, line]) => line);
  return { requirements, unresolved, skipped };
}

/** requirements.txt: the lock as constraints, then the requirements. */
export function requirementsTxt(resolved: ResolvedRequirements): string {
  const lines = [
    '# What the pipeline imports, at the versions the recorded run used (written by Trail).',
    '# The constraints pin what these need at their recorded versions as well.',
    '-c requirements.lock',
    ...resolved.requirements
  ];
  if (resolved.unresolved.length > 0) {
    lines.push(
      `# Not pinned, found neither in the recorded environment nor in the standard library: ${resolved.unresolved.join(', ')}`
    );
  }
  for (const skipped of resolved.skipped) {
    lines.push(`# Not carried over from %pip install: ${skipped}`);
  }
  return lines.join('\n') + '\n';
}

/** requirements.lock: every distribution the recorded environment had. */
export function requirementsLock(
  environment: EnvironmentSnapshot | null | undefined
): string {
  const header = environment
    ? `# The full package list of the recorded environment (${environment.language.name} ${environment.language.version}), written by Trail.`
    : '# The recording carried no environment snapshot: nothing to lock.';
  const lines = [...(environment?.packages ?? [])]
    .sort((a, b) => packageKey(a.name).localeCompare(packageKey(b.name)))
    .map(p => `${p.name}==${p.version}`);
  return [header, ...lines].join('\n') + '\n';
}
