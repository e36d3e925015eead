/**
 * The limits of the records, as schema/records states them (the server
 * validates with the same numbers).
 *
 * Generated from schema/records by scripts/build-schema-types.mjs.
 * Do not edit by hand: change the schema and run `jlpm build:schema`.
 */

/** Events in one batch (batch.schema.json#/properties/events maxItems). */
export const MAX_BATCH_EVENTS = 1000;

/** Characters of code in one execution record (execution.schema.json#/properties/code maxLength). */
export const MAX_CODE_LENGTH = 2000000;

/** Outputs in one execution record (execution.schema.json#/properties/outputs maxItems). */
export const MAX_OUTPUTS = 5000;

/** Cells in one notebook structure (event.schema.json#/oneOf/4/properties/cells maxItems). */
export const MAX_STRUCTURE_CELLS = 10000;

/** File entries in one capture (capture.schema.json#/properties/files maxItems). */
export const MAX_FILES = 10000;

/** Params in one capture (capture.schema.json#/properties/params maxProperties). */
export const MAX_PARAMS = 1000;

/** Characters of a param name (capture.schema.json#/properties/params/propertyNames maxLength). */
export const MAX_PARAM_NAME_LENGTH = 250;

/** Characters of a param value that is a string (or a repr) (capture.schema.json#/definitions/paramValue maxLength). */
export const MAX_PARAM_VALUE_LENGTH = 5000;

/** Metric points in one capture (capture.schema.json#/properties/metrics maxItems). */
export const MAX_METRICS = 100000;

/** Characters of a metric name (capture.schema.json#/definitions/metric/properties/name maxLength). */
export const MAX_METRIC_NAME_LENGTH = 250;

/** Tags in one capture (capture.schema.json#/properties/tags maxItems). */
export const MAX_TAGS = 200;

/** Characters of a tag (capture.schema.json#/properties/tags/items maxLength). */
export const MAX_TAG_LENGTH = 250;

/** Characters of a file path (capture.schema.json#/definitions/fileAccess/properties/path maxLength). */
export const MAX_PATH_LENGTH = 4096;

/** Characters of a file role (capture.schema.json#/definitions/fileAccess/properties/role maxLength). */
export const MAX_ROLE_LENGTH = 100;

/** Characters of why a file could not be hashed (capture.schema.json#/definitions/fileAccess/properties/hashError maxLength). */
export const MAX_HASH_ERROR_LENGTH = 1000;

/** Substitutions in a fork's lineage (session.schema.json#/definitions/lineage/properties/substitutions maxItems). */
export const MAX_SUBSTITUTIONS = 100;

/** Columns of a table schema (capture.schema.json#/definitions/tableSchema/properties/columns maxItems). */
export const MAX_TABLE_COLUMNS = 5000;

/** Characters of a column name (capture.schema.json#/definitions/tableSchema/properties/columns/items/properties/name maxLength). */
export const MAX_COLUMN_NAME_LENGTH = 1000;

/** Characters of a column type (capture.schema.json#/definitions/tableSchema/properties/columns/items/properties/type maxLength). */
export const MAX_COLUMN_TYPE_LENGTH = 200;

/** Characters of the language name in an environment snapshot (environment.schema.json#/properties/language/properties/name maxLength). */
export const MAX_LANGUAGE_NAME_LENGTH = 100;

/** Characters of the language version in an environment snapshot (environment.schema.json#/properties/language/properties/version maxLength). */
export const MAX_LANGUAGE_VERSION_LENGTH = 100;

/** Characters of the language implementation in an environment snapshot (environment.schema.json#/properties/language/properties/implementation maxLength). */
export const MAX_LANGUAGE_IMPLEMENTATION_LENGTH = 100;

/** Characters of the interpreter's path in an environment snapshot (environment.schema.json#/properties/language/properties/executable maxLength). */
export const MAX_EXECUTABLE_LENGTH = 4096;

/** Characters of the operating system name in an environment snapshot (environment.schema.json#/properties/platform/properties/system maxLength). */
export const MAX_SYSTEM_LENGTH = 100;

/** Characters of the operating system release in an environment snapshot (environment.schema.json#/properties/platform/properties/release maxLength). */
export const MAX_RELEASE_LENGTH = 200;

/** Characters of the machine type in an environment snapshot (environment.schema.json#/properties/platform/properties/machine maxLength). */
export const MAX_MACHINE_LENGTH = 100;

/** Characters of the platform string in an environment snapshot (environment.schema.json#/properties/platform/properties/platform maxLength). */
export const MAX_PLATFORM_LENGTH = 500;

/** Characters of the host name in an environment snapshot (environment.schema.json#/properties/platform/properties/hostname maxLength). */
export const MAX_HOSTNAME_LENGTH = 255;

/** Characters of the working folder in an environment snapshot (environment.schema.json#/properties/platform/properties/cwd maxLength). */
export const MAX_CWD_LENGTH = 4096;

/** Characters of the CPU model in an environment snapshot (environment.schema.json#/properties/cpu/properties/model maxLength). */
export const MAX_CPU_MODEL_LENGTH = 500;

/** Characters of a GPU name in an environment snapshot (environment.schema.json#/properties/gpus/items/properties/name maxLength). */
export const MAX_GPU_NAME_LENGTH = 500;

/** Characters of a GPU driver version in an environment snapshot (environment.schema.json#/properties/gpus/items/properties/driver maxLength). */
export const MAX_GPU_DRIVER_LENGTH = 100;

/** Characters of a package name in an environment snapshot (environment.schema.json#/properties/packages/items/properties/name maxLength). */
export const MAX_PACKAGE_NAME_LENGTH = 500;

/** Characters of a package version in an environment snapshot (environment.schema.json#/properties/packages/items/properties/version maxLength). */
export const MAX_PACKAGE_VERSION_LENGTH = 200;

/** Characters of the conda environment name in an environment snapshot (environment.schema.json#/properties/conda/properties/name maxLength). */
export const MAX_CONDA_NAME_LENGTH = 500;

/** Characters of the conda prefix in an environment snapshot (environment.schema.json#/properties/conda/properties/prefix maxLength). */
export const MAX_CONDA_PREFIX_LENGTH = 4096;

/** Characters of the git commit in an environment snapshot (environment.schema.json#/properties/git/properties/commit maxLength). */
export const MAX_GIT_COMMIT_LENGTH = 64;

/** Characters of the git branch in an environment snapshot (environment.schema.json#/properties/git/properties/branch maxLength). */
export const MAX_GIT_BRANCH_LENGTH = 500;

/** Characters of the uncommitted git diff in an environment snapshot (environment.schema.json#/properties/git/properties/diff maxLength). */
export const MAX_GIT_DIFF_LENGTH = 1000000;

/** GPUs in an environment snapshot (environment.schema.json#/properties/gpus maxItems). */
export const MAX_GPUS = 64;

/** Packages in an environment snapshot (environment.schema.json#/properties/packages maxItems). */
export const MAX_PACKAGES = 20000;
