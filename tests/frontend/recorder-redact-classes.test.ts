/**
 * Redaction, one test per class of issue #18: each shape that reached the
 * server, each ordinary line that was altered, and the redaction report.
 */
import type { Output, TrailEvent } from '../../src/records/schema';
import { Redactor, redacted } from '../../src/recorder/redact';
import { completed } from './recorder/completed';
import helpPage from '../fixtures/kernel/help-page.json';

const r = new Redactor();

// Fake values assembled at run time, so that this file holds no literal
// secret a scanner would flag.
const join = (...parts: string[]) => parts.join('');
const PW = join('Tr0ub4', 'dor&3x');
const AWS_SECRET = join('wJalrXUtnFEMI/K7MDENG', '/bPxRfiCYzQ4kP9x2Lm');
// Segments that start with a letter and hold no '-': an attribute to a
// pattern that only looks at the shape.
const SENDGRID = join(
  'SG.',
  'ngeVfQFYQlKU0ufo8x5d1A',
  '.',
  'TwL2iGABf9DHoTf09kqeF8tAmbihYzrnopKc1s5cr'
);
const OPENAI = join('sk-', 'Ab3dEf6hIj9kLm2nOp5q', 'Rs8tUv1wXy4zAb3dEf6hIj9k');
const AZURE = join(
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsu',
  'Fq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
);
const DOCKER = join('YW5hOlMz', 'Y3IzdFBhc3M=');
const STRIPE = join('sk_', 'live_', '51H8x2LKj3h4g5f6d7s8a9QwErTy');
const TELEGRAM = join('7604382844', ':AA', 'WOYDqi0nODKm5RlWItIMvGU_SjoP2S17k');
const KEY_ID = join('9fceb02d0ae598e95dc9', '70b74767f19372d61af8');
const TOKEN = join('Zt7Kq2', 'Lm9Xw4Rp8Vn3Bc6Hy1Jd5');
const BASIC = Buffer.from(`ana:${PW}`).toString('base64');

/** The text in the given place with the secret gone and the rest kept. */
function expectRedacted(
  text: string,
  secret: string,
  place: 'code' | 'text' | 'path' = 'text'
): string {
  const out = r.redactText(text, place);
  expect(out).not.toContain(secret);
  expect(out).toMatch(/\[REDACTED:[\w-]+\]/);
  return out;
}

const display = (data: Record<string, unknown>): Output => ({
  output_type: 'display_data',
  data: data as any,
  metadata: {}
});

/** The whole event as sent: what must not hold the secret. */
function sent(event: TrailEvent): string {
  return JSON.stringify(r.redactEvent(event));
}

describe('listed formats that leaked', () => {
  it('aws_secret_access_key printed in an output (HTML, a Series)', () => {
    // HTML escapes the quotes; a Series puts spaces between name and value.
    expectRedacted(
      `<pre>{&#x27;aws_secret_access_key&#x27;: &#x27;${AWS_SECRET}&#x27;}</pre>`,
      AWS_SECRET
    );
    expectRedacted(
      `aws_access_key_id        AKIA0000EXAMPLE\naws_secret_access_key    ${AWS_SECRET}\ndtype: object`,
      AWS_SECRET
    );
  });

  it('password = "..." echoed in an output (HTML-escaped)', () => {
    const out = expectRedacted(`<code>password = &quot;${PW}&quot;</code>`, PW);
    expect(out).toBe(
      `<code>password = &quot;${redacted('password')}&quot;</code>`
    );
  });

  it('os.environ["DB_PASSWORD"] = "..." and config["password"] = "..." in code', () => {
    expectRedacted(`os.environ["DB_PASSWORD"] = "${PW}"`, PW, 'code');
    expectRedacted(`config["password"] = "${PW}"`, PW, 'code');
    expectRedacted(`settings['db']['password'] = '${PW}'`, PW, 'code');
  });

  it('a .env line SENDGRID_API_KEY=SG.... in an output', () => {
    expectRedacted(`SENDGRID_API_KEY=${SENDGRID}\nDEBUG=1\n`, SENDGRID);
  });

  it('a log line "login ok password=..."', () => {
    expectRedacted(`INFO login ok password=${PW} user=ana`, PW);
    expectRedacted('INFO login ok password=swordfish user=ana', 'swordfish');
  });

  it('a coloured traceback whose code line holds password = "..." (ANSI kept)', () => {
    const line =
      '\x1b[0;32m----> 3\x1b[0m password \x1b[38;5;241m=\x1b[39m \x1b[38;5;124m"' +
      PW +
      '"\x1b[39m';
    const event = completed({
      status: 'error',
      outputs: [
        { output_type: 'error', ename: 'E', evalue: 'x', traceback: [line] }
      ]
    });
    const out = sent(event);
    expect(out).not.toContain(PW);
    const traceback = (event.execution.outputs[0] as any).traceback[0];
    expect(traceback).toBe(line.replace(PW, redacted('password')));
  });

  it('a file path containing api_key=...', () => {
    const event = completed({
      capture: {
        files: [
          {
            path: `cache/api_key=${TOKEN}.json`,
            access: 'read',
            kind: 'file'
          }
        ]
      }
    });
    expect(sent(event)).not.toContain(TOKEN);
  });
});

describe('common formats that leaked', () => {
  it.each([
    ['OPENAI_API_KEY_PROD', `OPENAI_API_KEY_PROD = "${TOKEN}"`, TOKEN],
    [
      'passphrase',
      'passphrase = "correct horse battery staple"',
      'correct horse'
    ],
    ['pwd', `conn = pyodbc.connect(uid="sa", pwd="${PW}")`, PW],
    ['pwd in an ODBC string', `Server=sql;UID=sa;PWD=${PW};`, PW],
    ['private_key_id', `"private_key_id": "${KEY_ID}",`, KEY_ID],
    [
      'AccountKey in an Azure connection string',
      `DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${AZURE};EndpointSuffix=core.windows.net`,
      AZURE
    ],
    [
      'docker config auth',
      `{"auths": {"ghcr.io": {"auth": "${DOCKER}"}}}`,
      DOCKER
    ],
    ['Stripe sk_live_ without a name', `charging with ${STRIPE}`, STRIPE],
    [
      'Telegram bot token without a name',
      `bot = telebot.TeleBot("${TELEGRAM}")`,
      TELEGRAM
    ],
    [
      'Telegram bot token in a bot URL',
      `https://api.telegram.org/bot${TELEGRAM}/sendMessage`,
      TELEGRAM
    ],
    [
      'password as a positional argument',
      `server.login("me@acme.io", "${PW}")`,
      PW
    ],
    [
      'password in auth=(user, pw)',
      `requests.get(url, auth=("ana", "${PW}"))`,
      PW
    ],
    [
      'password as connect()’s third argument',
      `pymysql.connect("db", "root", "${PW}")`,
      PW
    ],
    ['password in a comment', `# password ${PW}`, PW],
    ['password after pw in a comment', `conn = connect(dsn)  # pw ${PW}`, PW],
    ['.netrc password X', `machine api.acme.io login ana password ${PW}`, PW],
    ['XML <password>', `<server><password>${PW}</password></server>`, PW],
    ['redis://:pw@host', `redis.from_url("redis://:${PW}@cache:6379/0")`, PW],
    [
      'a URL password holding @ and /',
      `mongodb://admin:pa@ss/w0rd9@mongo:27017/db`,
      'ss/w0rd9'
    ],
    ['Authorization: Basic', `Authorization: Basic ${BASIC}`, BASIC],
    [
      'curl -u user:pass',
      `!curl -u admin:${PW} https://api.acme.io/export`,
      PW
    ],
    ['"password is X" in prose', `The password is ${PW}, do not share`, PW]
  ])('%s', (_, text, secret) => {
    expectRedacted(text, secret, 'code');
    expectRedacted(text, secret, 'text');
  });

  it('a password column in a DataFrame HTML and text repr', () => {
    const html =
      '<table border="1" class="dataframe">\n  <thead>\n    <tr style="text-align: right;">\n' +
      '      <th></th>\n      <th>user</th>\n      <th>password</th>\n    </tr>\n  </thead>\n' +
      '  <tbody>\n    <tr>\n      <th>0</th>\n      <td>ana</td>\n      <td>swordfish</td>\n    </tr>\n' +
      `    <tr>\n      <th>1</th>\n      <td>bob</td>\n      <td>${PW}</td>\n    </tr>\n  </tbody>\n</table>`;
    const text = `  user   password\n0  ana  swordfish\n1  bob ${PW}`;
    const event = completed({
      outputs: [
        {
          output_type: 'execute_result',
          execution_count: 1,
          data: { 'text/html': html, 'text/plain': text },
          metadata: {}
        },
        { output_type: 'stream', name: 'stdout', text: `${text}\n` }
      ]
    });
    const out = sent(event);
    expect(out).not.toContain('swordfish');
    expect(out).not.toContain(PW.slice(0, 6));
    // The users stay.
    expect(out).toContain('<td>ana</td>');
    expect((event.execution.outputs[1] as any).text).toContain('0  ana');
  });

  it('tokens inside image/svg+xml and application/javascript outputs', () => {
    const event = completed({
      outputs: [
        display({ 'image/svg+xml': `<svg><text>${OPENAI}</text></svg>` }),
        display({
          'application/javascript': `fetch(u, {headers: {"x-api-key": "${TOKEN}"}})`
        }),
        display({ 'image/png': 'iVBORw0KGgo=' })
      ]
    });
    const out = sent(event);
    expect(out).not.toContain(OPENAI);
    expect(out).not.toContain(TOKEN);
    expect(out).toContain('iVBORw0KGgo=');
  });

  it('tags (trail.tag(...))', () => {
    const event = completed({
      capture: { tags: ['baseline', `key=${OPENAI}`, `password=${PW}`] }
    });
    const out = sent(event);
    expect(out).not.toContain(OPENAI);
    expect(out).not.toContain(PW);
    expect(event.execution.capture?.tags?.[0]).toBe('baseline');
  });

  it('params whose value is prose or a number under a secret-looking name', () => {
    const event = completed({
      capture: {
        params: {
          api_token: 'my dog is called rex',
          db_password: 12345678,
          lr: 0.001,
          tokenizer: 'bert-base-uncased',
          max_tokens: 512
        }
      }
    });
    r.redactEvent(event);
    expect(event.execution.capture?.params).toEqual({
      api_token: redacted('token'),
      db_password: redacted('password'),
      lr: 0.001,
      tokenizer: 'bert-base-uncased',
      max_tokens: 512
    });
  });
});

describe('ordinary lines that were altered', () => {
  it.each([
    'pad_token = "[PAD]"',
    'eos_token = "</s>"',
    'tokenizer.pad_token = "<pad>"',
    '{"pad_token": "<pad>", "unk_token": "<unk>", "bos_token": "<s>", "eos_token": "</s>"}',
    'bos_token = "<s>"; sep_token = "[SEP]"; cls_token = "[CLS]"; mask_token = "[MASK]"',
    'eos_token = "<|endoftext|>"',
    'private_key = "~/.ssh/id_rsa"',
    'csrf_token = "{{ csrf_token }}"',
    'run = "sk-learn-baseline-experiment-v2"',
    'msg = "Bearer authentication_is_required_here"',
    'password = "${DB_PASSWORD}"',
    'api_key = os.environ["OPENAI_API_KEY"]',
    'client = OpenAI(base_url="http://localhost:11434/v1", api_key="ollama")'
  ])('leaves %s alone, as code and as output', line => {
    expect(r.redactText(line, 'code')).toBe(line);
    expect(r.redactText(line, 'text')).toBe(line);
  });

  it.each([
    // IPython's %magic help, as the pager shows it.
    '    If you pass `--no-import-all`, the last two `*` imports will be excluded.',
    '%pinfo2  %pip  %popd  %pprint  %precision  %prun  %psearch  %psource  %pushd  %pwd  %pycat  %pylab'
  ])('leaves help text naming options and magics alone: %s', line => {
    expect(r.redactText(line, 'text')).toBe(line);
  });

  it('leaves the help pages of a real ipykernel alone (len?, len??, %quickref)', () => {
    const pages = (helpPage as any).events.flatMap((event: any) =>
      (event.msg?.content?.payload ?? [])
        .filter((p: any) => p.source === 'page')
        .map((p: any) => p.data['text/plain'] as string)
    );
    expect(pages.length).toBeGreaterThanOrEqual(3);
    for (const page of pages) {
      expect(r.redactText(page, 'text')).toBe(page);
    }
  });

  it('leaves a tokenizer dict in an output alone', () => {
    const repr =
      "{'bos_token': '<s>', 'eos_token': '</s>', 'unk_token': '<unk>', 'pad_token': '<pad>'}";
    const event = completed({
      outputs: [
        {
          output_type: 'execute_result',
          execution_count: 1,
          data: {
            'text/plain': repr,
            'application/json': { pad_token: '[PAD]', mask_token: '[MASK]' }
          },
          metadata: {}
        }
      ]
    });
    const before = JSON.stringify(event);
    r.redactEvent(event);
    expect(JSON.stringify(event)).toBe(before);
  });
});

describe('the redaction report', () => {
  it('counts what was redacted on the execution, by kind', () => {
    const event = completed({
      code: `client = OpenAI(api_key="${OPENAI}")\npassword = "${PW}"`,
      outputs: [{ output_type: 'stream', name: 'stdout', text: `pw: ${PW}\n` }]
    });
    r.redactEvent(event);
    expect(event.execution.redactions).toEqual({ 'api-key': 1, password: 2 });
  });

  it('adds nothing when nothing was redacted', () => {
    const event = completed({ code: 'print("hello")' });
    r.redactEvent(event);
    expect(event.execution).not.toHaveProperty('redactions');
  });
});

describe('the new rules stay linear', () => {
  it('scans texts made to make them backtrack in bounded time', () => {
    for (const text of [
      'password '.repeat(100000),
      'x://a:'.repeat(100000) + '@',
      '<tr><th>password</th></tr>'.repeat(20000),
      '  user  password\n0  a  b\n'.repeat(20000),
      'Client("'.repeat(100000),
      'mysql -p'.repeat(100000),
      'Authorization: Token '.repeat(50000),
      '\x1b[0m&quot;'.repeat(100000),
      'connect("a", "b", '.repeat(50000)
    ]) {
      const started = Date.now();
      r.redactText(text, 'text');
      r.redactText(text, 'code');
      expect(Date.now() - started).toBeLessThan(5000);
    }
  });
});
