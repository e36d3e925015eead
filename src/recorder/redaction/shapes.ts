/**
 * Structural rules: provider tokens without a fixed prefix, private keys,
 * URLs with passwords, auth headers, and passwords passed on a command line
 * or by position to a login. Each rule is looked for only behind its hint.
 */
import { UNPREFIXED_RULES } from './providers';
import type { ISpan } from './span';
import { isNotSecret, looksRandom } from './values';

/**
 * A structural rule: group 1 starts the match and is kept; the last group
 * is the secret.
 */
interface IShapeRule {
  kind: string;
  /** Literal text every match contains (one of): others are not scanned. */
  hint: string | readonly string[] | RegExp;
  pattern: RegExp;
  check?: (secret: string, match: RegExpExecArray) => boolean;
}

const SHAPE_RULES: readonly IShapeRule[] = [
  {
    // Telegram's bot API URLs: api.telegram.org/bot<token>/method.
    kind: 'telegram-bot-token',
    hint: '/bot',
    pattern: /(\/bot)(\d{8,10}:[A-Za-z0-9_-]{35})(?![A-Za-z0-9_-])/g
  },
  {
    kind: 'private-key',
    hint: 'PRIVATE KEY',
    pattern:
      /()(-----BEGIN (?:[A-Z0-9]+ ){0,4}PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ ){0,4}PRIVATE KEY(?: BLOCK)?-----|$))/g
  },
  {
    kind: 'private-key',
    hint: 'PuTTY-User-Key-File',
    pattern: /(PuTTY-User-Key-File-\d: [^\n]*\n)([\s\S]{0,5000})/g
  },
  {
    kind: 'basic-auth',
    hint: 'Basic',
    pattern: /(\bBasic\s+)([A-Za-z0-9+/]{6,500}={0,2})(?![A-Za-z0-9+/=])/g,
    check: value => decodesToCredentials(value)
  },
  {
    kind: 'bearer-token',
    hint: ['Bearer', 'bearer'],
    pattern: /(\b[Bb]earer\s+)([A-Za-z0-9\-._~+/]{16,2000}=*)/g,
    check: value =>
      value.startsWith('eyJ') ||
      (value.length >= 16 &&
        /[0-9]/.test(value) &&
        /[A-Za-z]/.test(value) &&
        !/^[a-z]+(?:[_-][a-z0-9]+)*$/.test(value))
  },
  {
    kind: 'password',
    // --user holds -u too.
    hint: '-u',
    pattern:
      /((?:^|\s)(?:-u|--user)[ =]+["']?[^\s:'"]{1,100}:)([^\s'"]{1,200})/g,
    check: value => !isNotSecret(value)
  },
  {
    // A password passed by position to a login or an auth object:
    // smtp.login("me", "pw"), HTTPBasicAuth("u", "pw"), auth=("u", "pw").
    kind: 'password',
    hint: /login\(|[Aa]uth/,
    pattern:
      /(\b(?:login|authenticate|(?:HTTP)?BasicAuth|HTTPDigestAuth|auth\s*=\s*)\(\s*[^,()\n]{1,200},\s*[rbu]?(["']))([^"'\n]{3,200})(?=\2)/g,
    check: value => !isNotSecret(value) && !/^[A-Za-z_][\w.]*$/.test(value)
  },
  {
    // ssh-keygen -N "passphrase", openssl -passin pass:secret.
    kind: 'password',
    hint: 'ssh-keygen',
    pattern:
      /(\bssh-keygen\b[^\n]{0,200}?\s-[NP]\s+(["']))([^"'\n]{1,200})(?=\2)/g,
    check: value => !isNotSecret(value)
  },
  {
    kind: 'password',
    hint: 'pass:',
    pattern: /(-pass(?:in|out)\s+pass:)([^\s"']{1,200})/g,
    check: value => !isNotSecret(value)
  },
  {
    // Authorization: Token <value> (Django REST, Hugging Face...), Bot, Key.
    kind: 'token',
    hint: 'uthorization',
    pattern:
      /([Aa]uthorization["']?\s*[:=]\s*["']?(?:Token|token|Bot|Key|ApiKey|Api-Key|SSWS|GenieKey)\s+)([A-Za-z0-9._~+/=-]{8,2000})/g,
    check: value => !isNotSecret(value) && /[0-9]/.test(value)
  },
  {
    // mysql -pSECRET; docker/helm/twine login -p SECRET.
    kind: 'password',
    // Every match holds -p (or --password, which holds it too).
    hint: '-p',
    pattern:
      /(\b(?:(?:mysql|mysqldump|mysqladmin|mariadb)\b[^\n]{0,200}?\s-p|(?:docker|podman|helm|twine|oras|skopeo|nerdctl)\b[^\n]{0,200}?\s(?:-p|--password)[ =]))([^\s'"]{3,200})/g,
    check: value => !isNotSecret(value) && !value.startsWith('$')
  },
  {
    // A machine-made key passed to a client: cohere.Client("..."),
    // Github("..."), SomeAPI("...").
    kind: 'api-key',
    hint: /(?:Client|API|Api|Auth|Github|Gitlab)\(/,
    pattern:
      /(\b[A-Za-z_][\w.]{0,60}(?:Client|API|Api|Auth|Github|Gitlab)\(\s*[rbu]?(["']))([A-Za-z0-9_\-.+/=]{20,200})(?=\2)/g,
    check: value => looksRandom(value, 20)
  },
  {
    // connect("host", "user", "pw", ...): the third string argument.
    kind: 'password',
    hint: ['connect(', 'FTP'],
    pattern:
      /(\b(?:connect|FTP|FTP_TLS)\(\s*(["'])[^"'\n]{0,200}\2\s*,\s*(["'])[^"'\n]{0,200}\3\s*,\s*(["']))([^"'\n]{3,200})(?=\4)/g,
    check: value => !isNotSecret(value)
  }
];

/**
 * The provider tokens without a fixed prefix, as structural rules that keep
 * nothing before the token (at word bounds, looked for behind their hint).
 */
const UNPREFIXED_SHAPES: readonly IShapeRule[] = UNPREFIXED_RULES.map(rule => ({
  kind: rule.kind,
  hint: rule.hint,
  pattern: new RegExp(
    `(?<![A-Za-z0-9_])()(${rule.source})(?![A-Za-z0-9])`,
    'g'
  ),
  check: rule.check
}));

/**
 * What follows a URL's `://` when it holds a password: the user, `:`, the
 * password (which may hold @ or /, so it runs to the last @ before a host).
 */
const URL_CREDENTIALS =
  /:\/\/[^\s:/@'"<>]{0,256}:([^\s'"<>]{1,256})(?=@[A-Za-z0-9[][\w.[\]:-]{0,253}(?:[/?#\s'"`<>),;]|$))/y;

/** scheme://user:password@host: only the password goes. */
function findUrlPasswords(text: string, spans: ISpan[]): void {
  for (
    let at = text.indexOf('://');
    at !== -1;
    at = text.indexOf('://', at + 3)
  ) {
    // A scheme before it: letters, digits, + . - (at most 32).
    let scheme = at;
    while (
      scheme > 0 &&
      at - scheme < 32 &&
      /[a-zA-Z0-9+.-]/.test(text[scheme - 1])
    ) {
      scheme--;
    }
    // A scheme starts with a letter (`+postgres://` in a diff).
    while (scheme < at && !/[a-zA-Z]/.test(text[scheme])) {
      scheme++;
    }
    if (scheme === at) {
      continue;
    }
    URL_CREDENTIALS.lastIndex = at;
    const m = URL_CREDENTIALS.exec(text);
    if (m === null) {
      continue;
    }
    const password = m[1];
    // isNotSecret keeps a password redacted already ([REDACTED:...]).
    if (/^\d{1,5}(?:[/?#]|$)/.test(password) || isNotSecret(password)) {
      continue;
    }
    const start = at + m[0].length - password.length;
    spans.push({ start, end: start + password.length, kind: 'url-password' });
  }
}

/** Decodes base64 `user:password` as Basic authentication carries it. */
function decodesToCredentials(value: string): boolean {
  try {
    const decoded = atob(value);
    return /^[\x20-\x7e]{1,200}:[\x20-\x7e]{1,200}$/.test(decoded);
  } catch {
    return false;
  }
}

/**
 * The structural secrets of a text: unprefixed provider tokens, then URL
 * passwords, then the other shapes (the order spans have always come in).
 */
export function findShapes(text: string, spans: ISpan[]): void {
  findRuleMatches(text, UNPREFIXED_SHAPES, spans);
  if (text.includes('://')) {
    findUrlPasswords(text, spans);
  }
  findRuleMatches(text, SHAPE_RULES, spans);
}

/** The secrets of structural rules whose hint the text holds. */
function findRuleMatches(
  text: string,
  rules: readonly IShapeRule[],
  spans: ISpan[]
): void {
  for (const rule of rules) {
    const hint = rule.hint;
    const hinted =
      typeof hint === 'string'
        ? text.includes(hint)
        : hint instanceof RegExp
          ? hint.test(text)
          : hint.some(h => text.includes(h));
    if (!hinted) {
      continue;
    }
    const pattern = rule.pattern;
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      if (m[0] === '') {
        pattern.lastIndex++;
        continue;
      }
      const secret = m[m.length - 1] ?? '';
      if (secret !== '' && (!rule.check || rule.check(secret, m))) {
        const start = m.index + m[1].length;
        spans.push({ start, end: start + secret.length, kind: rule.kind });
      }
    }
  }
}
