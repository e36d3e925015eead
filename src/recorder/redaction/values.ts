/**
 * What names hold secrets, and which of their values are secrets: the
 * value-aware half of redaction.
 */

/**
 * How strongly a name says that its value is a secret.
 *
 * - `password`: any value that is not obviously something else is redacted
 *   (passphrases can be prose);
 * - `token`: values that look like tokens (8+ characters, no spaces, not
 *   a plain word);
 * - `weak` (`key`, `auth`, `sig`...): only values that look random.
 */
export type SecretStrength = 'password' | 'token' | 'weak';

/**
 * A secret-looking name: the kind shown in the placeholder and how
 * strongly it holds a secret.
 */
export interface ISecretName {
  kind: 'password' | 'token' | 'api-key' | 'secret';
  strength: SecretStrength;
}

/** Segments that name a password, whatever their place in the name. */
const PASSWORD_WORD = /(?:passw(?:or)?d|passphrase|passcode|pwd)$/;

/** Segments that name a secret value. */
const SECRET_WORD =
  /(?:secret|credentials?|apikey|accesskey|secretkey|privatekey|accountkey|authkey|masterkey|signingkey|encryptionkey|subscriptionkey|(?:api|auth|access|refresh|bot|bearer|session|id|oauth)token|sessionid|phpsessid|jsessionid)$/;

/** Words qualifying `key` as a secret key rather than a dict key. */
const KEY_QUALIFIERS = new Set([
  'api',
  'access',
  'secret',
  'private',
  'account',
  'auth',
  'client',
  'signing',
  'encryption',
  'master',
  'subscription',
  'license',
  'service',
  'deploy',
  'webhook',
  'ssh',
  'hmac',
  'storage',
  'x'
]);

/** Words before `token` naming a tokenizer's special token, not a secret. */
const TOKENIZER_WORDS = new Set([
  'pad',
  'eos',
  'bos',
  'unk',
  'sep',
  'cls',
  'mask',
  'special',
  'start',
  'end',
  'begin',
  'stop',
  'sos',
  'eot',
  'im',
  'image',
  'audio',
  'video',
  'vision',
  'placeholder',
  'decoder',
  'prefix',
  'suffix',
  'middle',
  'additional',
  'chat',
  'tool',
  'think',
  'fim',
  'system',
  'user',
  'assistant',
  'unknown',
  'padding',
  'separator',
  'classifier',
  'new',
  'next',
  'first',
  'last',
  'current',
  'prev',
  'previous',
  'input',
  'output',
  'target',
  'generated',
  'word',
  'sub',
  'max',
  'min',
  'num',
  'n'
]);

/** Last segments that make a name about a secret, not the secret. */
const METADATA_WORDS = new Set([
  'length',
  'len',
  'count',
  'counts',
  'num',
  'size',
  'max',
  'min',
  'limit',
  'type',
  'types',
  'file',
  'files',
  'path',
  'paths',
  'dir',
  'name',
  'names',
  'field',
  'fields',
  'env',
  'var',
  'url',
  'uri',
  'endpoint',
  'prefix',
  'suffix',
  'pattern',
  'regex',
  'header',
  'ttl',
  'expiry',
  'expires',
  'expiration',
  'timeout',
  'format',
  'policy',
  'required',
  'enabled',
  'valid',
  'label',
  'prompt',
  'hint',
  'column',
  'col',
  'placeholder',
  'template',
  'mode',
  'method',
  'strength',
  'provider',
  'index',
  'idx',
  'position',
  'offset',
  'budget',
  'usage',
  'used',
  'rate',
  'source',
  'location',
  'store',
  'manager',
  'handler',
  'class',
  'fn',
  'func',
  'callback',
  'input',
  'widget',
  'box',
  'error',
  'errors',
  'message',
  'changed',
  'reset',
  'policy',
  'rotation',
  'scope',
  'scopes',
  'version',
  'arn'
]);

/** First segments that make a name about a secret, not the secret. */
const LEADING_METADATA = new Set([
  'num',
  'max',
  'min',
  'n',
  'total',
  'is',
  'has',
  'use',
  'show',
  'get',
  'check',
  'validate',
  'verify',
  'reset',
  'forgot',
  'hash',
  'count',
  'len',
  'require',
  'requires'
]);

/**
 * The segments of a name: `OPENAI_API_KEY_PROD` → openai api key prod,
 * `AccountKey` → account key, `x-api-key` → x api key.
 */
export function nameSegments(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(s => s !== '');
}

/** Names seen lately: notebooks repeat the same few hundred names. */
const NAME_CACHE = new Map<string, ISecretName | null>();

/**
 * What a name says about its value: null when it is not secret-looking.
 */
export function secretName(name: string): ISecretName | null {
  if (name.length > 80) {
    return null;
  }
  const cached = NAME_CACHE.get(name);
  if (cached !== undefined) {
    return cached;
  }
  const found = classifyName(name);
  if (NAME_CACHE.size >= 2000) {
    NAME_CACHE.clear();
  }
  NAME_CACHE.set(name, found);
  return found;
}

function classifyName(name: string): ISecretName | null {
  const segments = nameSegments(name);
  const n = segments.length;
  if (n === 0) {
    return null;
  }
  const last = segments[n - 1];
  if (
    n > 1 &&
    (LEADING_METADATA.has(segments[0]) || METADATA_WORDS.has(last))
  ) {
    return null;
  }
  // SecretId, secret_ids: the name of a secret in a secret manager.
  if (
    (last === 'id' || last === 'ids') &&
    /secret|credential/.test(name.toLowerCase())
  ) {
    return null;
  }
  let found: ISecretName | null = null;
  for (let i = 0; i < n; i++) {
    const s = segments[i];
    const previous = i > 0 ? segments[i - 1] : '';
    let here: ISecretName | null = null;
    if (PASSWORD_WORD.test(s) || s === 'pass' || s === 'pw') {
      here = { kind: 'password', strength: 'password' };
    } else if (s === 'token' || s === 'pat') {
      if (TOKENIZER_WORDS.has(previous)) {
        return null;
      }
      const next = segments[i + 1];
      if (next === 'id' || next === 'ids') {
        return null;
      }
      here = { kind: 'token', strength: 'token' };
    } else if (SECRET_WORD.test(s)) {
      here =
        s.endsWith('token') || s.endsWith('sessid') || s.endsWith('sessionid')
          ? { kind: 'token', strength: 'token' }
          : s.endsWith('key')
            ? { kind: 'api-key', strength: 'token' }
            : { kind: 'secret', strength: 'password' };
    } else if (s === 'key' || s === 'keys') {
      here = KEY_QUALIFIERS.has(previous)
        ? {
            kind: previous === 'secret' ? 'secret' : 'api-key',
            strength: 'token'
          }
        : { kind: 'api-key', strength: 'weak' };
    } else if (s === 'auth' || s === 'sig' || s === 'sas' || s === 'dsn') {
      here = { kind: 'secret', strength: 'weak' };
    }
    if (here !== null && (found === null || rank(here) > rank(found))) {
      found = here;
    }
  }
  return found;
}

function rank(name: ISecretName): number {
  return name.strength === 'password' ? 3 : name.strength === 'token' ? 2 : 1;
}

/** Values that stand for no secret: nulls, masks and placeholders. */
const NOT_A_VALUE = new RegExp(
  '^(?:' +
    [
      // Nothing: nulls and booleans.
      'none|null|nil|undefined|true|false|nan|n/a|yes|no|ok',
      // Masks and states shown instead of a secret.
      'redacted|hidden|masked|changeme|required|missing|invalid|incorrect|wrong|empty|unset|set|expired|optional|provided|not[ _-]?(?:set|needed|required)',
      // The dummy keys local servers take (Ollama, vLLM, LM Studio).
      'ollama|dummy|fake|lm-studio|sk-no-key-required',
      // The name itself, or a placeholder for it.
      'password|passwd|pass|pwd|secret|token|api[_-]?key|your[_ -]?\\w*|my[_ -]?(?:password|token|key|secret)',
      // Type annotations: password: str, token: Optional[str].
      'str|int|bytes|bool|float|any|optional\\[?\\w*\\]?|secretstr|dict|list',
      // Masked characters and bracketed words: ***, [PAD], <unk>, (hidden).
      '\\*+|x+|\\.+|•+|-+|_+|#+|<[^<>]*>|\\[[^\\][]*\\]|\\([^()]*\\)',
      // Elided examples: sk-..., hf_…
      '.{0,12}(?:\\.\\.\\.|…)'
    ].join('|') +
    ')$',
  'i'
);

/**
 * Whether a value is plainly not a secret: a template, a path, an
 * environment variable's name, a tokenizer's special token, a mask.
 */
export function isNotSecret(value: string, name?: string): boolean {
  if (value.length < 3 || NOT_A_VALUE.test(value)) {
    return true;
  }
  if (value.startsWith('[REDACTED:')) {
    return true;
  }
  // Templates and references: {{ csrf_token }}, ${DB_PASSWORD}, %(pw)s,
  // {password}, $API_KEY, <%= key %>.
  if (/\{\{|\{%|\$\{|<%|%\(|^\{[\w.]*\}$|^\$[A-Za-z_]\w*$/.test(value)) {
    return true;
  }
  // Paths: ~/.ssh/id_rsa, /run/secrets/db, ./key.pem, C:\keys\a.pem.
  if (
    /^(?:~|\.{1,2})?[\\/][\w.~@+-]/.test(value) ||
    /^[A-Za-z]:[\\/]/.test(value) ||
    /^[\w.@-]+(?:[\\/][\w.@-]+)+\.[A-Za-z][\w]{0,5}$/.test(value) ||
    /^[\w-]+\.(?:pem|key|json|txt|crt|p12|pfx|env|ini|cfg|yaml|yml|toml)$/i.test(
      value
    )
  ) {
    return true;
  }
  // The name of an environment variable: os.getenv("API_KEY") defaults.
  if (/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(value)) {
    return true;
  }
  // A tokenizer's special tokens: </s>, <|endoftext|>, ▁, Ġ.
  if (/^<\|?[^<>\s]{0,30}\|?>$/.test(value) || /^[▁Ġ]\w*$/.test(value)) {
    return true;
  }
  if (name !== undefined && value.toLowerCase() === name.toLowerCase()) {
    return true;
  }
  return false;
}

/** The Shannon entropy of a string, in bits per character. */
export function entropy(value: string): number {
  const counts = new Map<string, number>();
  for (const c of value) {
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** How many of lower case, upper case, digits and symbols a value mixes. */
export function characterClasses(value: string): number {
  return (
    (/[a-z]/.test(value) ? 1 : 0) +
    (/[A-Z]/.test(value) ? 1 : 0) +
    (/[0-9]/.test(value) ? 1 : 0) +
    (/[^A-Za-z0-9\s]/.test(value) ? 1 : 0)
  );
}

/**
 * Whether a value looks machine-made: long, no spaces, several character
 * classes, high entropy (API keys, base64, hex digests).
 */
export function looksRandom(value: string, minLength = 16): boolean {
  if (value.length < minLength || /\s/.test(value)) {
    return false;
  }
  const alnum = value.replace(/[^A-Za-z0-9]/g, '');
  if (alnum.length < minLength * 0.75) {
    return false;
  }
  const digits = alnum.replace(/[^0-9]/g, '').length;
  const classes =
    (/[a-z]/.test(alnum) ? 1 : 0) +
    (/[A-Z]/.test(alnum) ? 1 : 0) +
    (digits > 0 ? 1 : 0);
  if (classes < 2 || (digits === 0 && classes < 3)) {
    // Hyphenated or snake-case words: sk-learn-baseline, auth_is_required.
    return false;
  }
  if (digits < 2 && /^[A-Za-z]+(?:[._-][A-Za-z0-9]+)+$/.test(value)) {
    return false;
  }
  return entropy(value) >= 3;
}

/**
 * How a value follows its name: `quoted` (`token = "..."`, `"key": "..."`),
 * `bare` (`TOKEN=abc`, `password: x` in a log) or `spaced` (after a space
 * or a word: `password hunter2`, `the password is X`).
 */
export type ValueForm = 'quoted' | 'bare' | 'spaced';

/**
 * Whether a value under a secret-looking name is its secret.
 *
 * @param strength - how strongly the name says it is one.
 * @param form - a spaced value must look like a password, not an English
 *   word; a bare one like a token, not a word.
 */
export function isSecretValue(
  value: string,
  secret: ISecretName,
  name: string,
  form: ValueForm
): boolean {
  if (isNotSecret(value, name)) {
    return false;
  }
  if (form === 'spaced') {
    return (
      value.length >= 6 &&
      // Help text names options and magics after words like "pass" or
      // "%pwd": `--no-import-all`, `%pycat` are not values.
      !/^(?:--?|%{1,2}|\$|@)[A-Za-z][A-Za-z_-]*$/.test(value) &&
      !/\s/.test(value) &&
      characterClasses(value) >= 2 &&
      !/^[A-Z]?[a-z]+[.,:;!?]?$/.test(value) &&
      !/^[A-Za-z_][\w]*[.(]/.test(value)
    );
  }
  switch (secret.strength) {
    case 'password':
      return true;
    case 'token':
      return form === 'quoted'
        ? value.length >= 4 && (!/\s/.test(value) || value.length >= 40)
        : value.length >= 6 &&
            !/\s/.test(value) &&
            !/^[a-z]+(?:[_-][a-z]+)*$/.test(value) &&
            !/^\d{1,7}$/.test(value);
    default:
      return looksRandom(value);
  }
}
