/**
 * The limits of the records, read from schema/records and written out as
 * constants for the TypeScript code (src/records/limits.ts) and the kernel
 * helper (jupyterlab_trail/kernel/limits.py). The values live only in the
 * schemas, where the server validates with them; this table gives each one
 * the name code uses, and says what it counts. A pointer or keyword that no
 * longer exists in its schema fails the build.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const CAPTURE = 'capture.schema.json';
const ENVIRONMENT = 'environment.schema.json';
const EXECUTION = 'execution.schema.json';
const FILE = '/definitions/fileAccess/properties';
const COLUMN = '/definitions/tableSchema/properties/columns';

/** [name, schema file, JSON pointer, keyword, what the limit counts] */
const LIMITS = [
  // A batch (POST /api/v1/events)
  [
    'MAX_BATCH_EVENTS',
    'batch.schema.json',
    '/properties/events',
    'maxItems',
    'Events in one batch'
  ],
  // An execution record
  [
    'MAX_CODE_LENGTH',
    EXECUTION,
    '/properties/code',
    'maxLength',
    'Characters of code in one execution record'
  ],
  [
    'MAX_OUTPUTS',
    EXECUTION,
    '/properties/outputs',
    'maxItems',
    'Outputs in one execution record'
  ],
  // A structure.captured event (the fifth kind of event.schema.json)
  [
    'MAX_STRUCTURE_CELLS',
    'event.schema.json',
    '/oneOf/4/properties/cells',
    'maxItems',
    'Cells in one notebook structure'
  ],
  // A capture
  [
    'MAX_FILES',
    CAPTURE,
    '/properties/files',
    'maxItems',
    'File entries in one capture'
  ],
  [
    'MAX_PARAMS',
    CAPTURE,
    '/properties/params',
    'maxProperties',
    'Params in one capture'
  ],
  [
    'MAX_PARAM_NAME_LENGTH',
    CAPTURE,
    '/properties/params/propertyNames',
    'maxLength',
    'Characters of a param name'
  ],
  [
    'MAX_PARAM_VALUE_LENGTH',
    CAPTURE,
    '/definitions/paramValue',
    'maxLength',
    'Characters of a param value that is a string (or a repr)'
  ],
  [
    'MAX_METRICS',
    CAPTURE,
    '/properties/metrics',
    'maxItems',
    'Metric points in one capture'
  ],
  [
    'MAX_METRIC_NAME_LENGTH',
    CAPTURE,
    '/definitions/metric/properties/name',
    'maxLength',
    'Characters of a metric name'
  ],
  ['MAX_TAGS', CAPTURE, '/properties/tags', 'maxItems', 'Tags in one capture'],
  [
    'MAX_TAG_LENGTH',
    CAPTURE,
    '/properties/tags/items',
    'maxLength',
    'Characters of a tag'
  ],
  [
    'MAX_PATH_LENGTH',
    CAPTURE,
    `${FILE}/path`,
    'maxLength',
    'Characters of a file path'
  ],
  [
    'MAX_ROLE_LENGTH',
    CAPTURE,
    `${FILE}/role`,
    'maxLength',
    'Characters of a file role'
  ],
  [
    'MAX_HASH_ERROR_LENGTH',
    CAPTURE,
    `${FILE}/hashError`,
    'maxLength',
    'Characters of why a file could not be hashed'
  ],
  // A fork's lineage (trail fork checks its --map count against it)
  [
    'MAX_SUBSTITUTIONS',
    'session.schema.json',
    '/definitions/lineage/properties/substitutions',
    'maxItems',
    "Substitutions in a fork's lineage"
  ],
  [
    'MAX_TABLE_COLUMNS',
    CAPTURE,
    COLUMN,
    'maxItems',
    'Columns of a table schema'
  ],
  [
    'MAX_COLUMN_NAME_LENGTH',
    CAPTURE,
    `${COLUMN}/items/properties/name`,
    'maxLength',
    'Characters of a column name'
  ],
  [
    'MAX_COLUMN_TYPE_LENGTH',
    CAPTURE,
    `${COLUMN}/items/properties/type`,
    'maxLength',
    'Characters of a column type'
  ],
  // An environment snapshot
  ...[
    [
      'LANGUAGE_NAME',
      '/properties/language/properties/name',
      'the language name'
    ],
    [
      'LANGUAGE_VERSION',
      '/properties/language/properties/version',
      'the language version'
    ],
    [
      'LANGUAGE_IMPLEMENTATION',
      '/properties/language/properties/implementation',
      'the language implementation'
    ],
    [
      'EXECUTABLE',
      '/properties/language/properties/executable',
      "the interpreter's path"
    ],
    [
      'SYSTEM',
      '/properties/platform/properties/system',
      'the operating system name'
    ],
    [
      'RELEASE',
      '/properties/platform/properties/release',
      'the operating system release'
    ],
    ['MACHINE', '/properties/platform/properties/machine', 'the machine type'],
    [
      'PLATFORM',
      '/properties/platform/properties/platform',
      'the platform string'
    ],
    ['HOSTNAME', '/properties/platform/properties/hostname', 'the host name'],
    ['CWD', '/properties/platform/properties/cwd', 'the working folder'],
    ['CPU_MODEL', '/properties/cpu/properties/model', 'the CPU model'],
    ['GPU_NAME', '/properties/gpus/items/properties/name', 'a GPU name'],
    [
      'GPU_DRIVER',
      '/properties/gpus/items/properties/driver',
      'a GPU driver version'
    ],
    [
      'PACKAGE_NAME',
      '/properties/packages/items/properties/name',
      'a package name'
    ],
    [
      'PACKAGE_VERSION',
      '/properties/packages/items/properties/version',
      'a package version'
    ],
    [
      'CONDA_NAME',
      '/properties/conda/properties/name',
      'the conda environment name'
    ],
    ['CONDA_PREFIX', '/properties/conda/properties/prefix', 'the conda prefix'],
    ['GIT_COMMIT', '/properties/git/properties/commit', 'the git commit'],
    ['GIT_BRANCH', '/properties/git/properties/branch', 'the git branch'],
    ['GIT_DIFF', '/properties/git/properties/diff', 'the uncommitted git diff']
  ].map(([name, pointer, what]) => [
    `MAX_${name}_LENGTH`,
    ENVIRONMENT,
    pointer,
    'maxLength',
    `Characters of ${what} in an environment snapshot`
  ]),
  [
    'MAX_GPUS',
    ENVIRONMENT,
    '/properties/gpus',
    'maxItems',
    'GPUs in an environment snapshot'
  ],
  [
    'MAX_PACKAGES',
    ENVIRONMENT,
    '/properties/packages',
    'maxItems',
    'Packages in an environment snapshot'
  ]
];

/** The value at an RFC 6901 pointer, or undefined. */
function resolve(schema, pointer) {
  let node = schema;
  for (const raw of pointer.split('/').slice(1)) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(token in node)) {
      return undefined;
    }
    node = node[token];
  }
  return node;
}

/**
 * Each limit's name, value, where it comes from and what it counts, in the
 * table's order; throws when a schema lacks one.
 */
export function readRecordLimits(schemaDir) {
  const schemas = new Map();
  return LIMITS.map(([name, file, pointer, keyword, what]) => {
    if (!schemas.has(file)) {
      schemas.set(
        file,
        JSON.parse(readFileSync(join(schemaDir, file), 'utf8'))
      );
    }
    const value = resolve(schemas.get(file), pointer)?.[keyword];
    if (!Number.isInteger(value)) {
      throw new Error(
        `${file}#${pointer} has no integer ${keyword} (limit ${name})`
      );
    }
    return { name, value, source: `${file}#${pointer} ${keyword}`, what };
  });
}

const DO_NOT_EDIT =
  'Generated from schema/records by scripts/build-schema-types.mjs.\n' +
  'Do not edit by hand: change the schema and run `jlpm build:schema`.';

/** src/records/limits.ts */
export function limitsTypeScript(limits) {
  const lines = [
    '/**',
    ' * The limits of the records, as schema/records states them (the server',
    ' * validates with the same numbers).',
    ' *',
    ...DO_NOT_EDIT.split('\n').map(line => ` * ${line}`),
    ' */'
  ];
  for (const { name, value, source, what } of limits) {
    lines.push(
      '',
      `/** ${what} (${source}). */`,
      `export const ${name} = ${value};`
    );
  }
  return lines.join('\n') + '\n';
}

/** jupyterlab_trail/kernel/limits.py (ASCII: the helper is sent as text). */
export function limitsPython(limits) {
  const lines = [
    '"""The limits of the records, as schema/records states them (the server',
    'validates with the same numbers).',
    '',
    ...DO_NOT_EDIT.split('\n'),
    '"""'
  ];
  for (const { name, value, source, what } of limits) {
    lines.push('', `# ${what} (${source}).`, `${name} = ${value}`);
  }
  const text = lines.join('\n') + '\n';
  if (!/^[\x00-\x7f]*$/.test(text)) {
    throw new Error('limits.py must stay ASCII');
  }
  return text;
}
