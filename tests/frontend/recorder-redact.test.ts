/**
 * Redaction of secret-looking strings: each built-in pattern, normal code
 * left alone, and where in an event redaction applies.
 */
import type { TrailEvent } from '../../src/records/schema';
import { Redactor, redacted } from '../../src/recorder/redact';
import { completed } from './recorder/completed';

const r = new Redactor();

// Assembled at run time so that this file holds no literal secret that a
// scanner would flag.
const join = (...parts: string[]) => parts.join('');
const AWS = join('AKIA', 'IOSFODNN7', 'EXAMPLE');
const GH = join('ghp_', 'a'.repeat(20), 'B'.repeat(16));
const GH_PAT = join('github_pat_', '11ABCDEFG', '0'.repeat(20));
const GL = join('glpat-', 'x1y2z3'.repeat(4));
const SLACK = join('xoxb-', '123456789012-', 'abcdefABCDEF');
const SK = join('sk-', 'proj-', 'Abc123'.repeat(6));
const ANT = join('sk-ant-', 'api03-', 'Q'.repeat(30));
const GOOGLE = join('AIza', 'SyA', '1'.repeat(32));
const JWT = join(
  'eyJhbGciOiJIUzI1NiJ9',
  '.',
  'eyJzdWIiOiIxMjM0NTY3ODkwIn0',
  '.',
  'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'
);
const KEY = join(
  '-----BEGIN RSA ',
  'PRIVATE KEY-----\nMIIEow',
  'IBAAKCAQEA\nabc\n-----END RSA ',
  'PRIVATE KEY-----'
);

describe('Redactor patterns', () => {
  it.each([
    ['aws-access-key', `key = ${AWS}`, AWS],
    ['github-token', `GH ${GH} end`, GH],
    ['github-token', `pat ${GH_PAT}`, GH_PAT],
    ['gitlab-token', `use ${GL}`, GL],
    ['slack-token', `slack ${SLACK}`, SLACK],
    ['api-key', `client = OpenAI(${JSON.stringify(SK)})`, SK],
    ['api-key', `Anthropic(${ANT})`, ANT],
    ['google-api-key', `maps?k=${GOOGLE}`, GOOGLE],
    ['jwt', `Cookie: session=${JWT}`, JWT],
    ['private-key', `before\n${KEY}\nafter`, KEY]
  ])('redacts %s', (kind, text, secret) => {
    const out = r.redactText(text);
    expect(out).not.toContain(secret);
    expect(out).toContain(redacted(kind));
  });

  it('redacts a private key block even when it is cut off', () => {
    const out = r.redactText(`x\n${KEY.split('\n').slice(0, 2).join('\n')}`);
    expect(out).toBe(`x\n${redacted('private-key')}`);
  });

  it('keeps the user but not the password of a URL', () => {
    expect(
      r.redactText(
        'engine = create_engine("postgresql://ana:s3cr3t@db:5432/x")'
      )
    ).toBe(
      `engine = create_engine("postgresql://ana:${redacted('url-password')}@db:5432/x")`
    );
  });

  it('redacts bearer tokens but keeps the scheme', () => {
    expect(
      r.redactText(`Authorization: Bearer ${'abcDEF123_'.repeat(3)}`)
    ).toBe(`Authorization: Bearer ${redacted('bearer-token')}`);
  });

  it.each([
    ['password = "hunter2"', `password = "${redacted('password')}"`],
    ["db_password='hunter22'", `db_password='${redacted('password')}'`],
    ['{"api_key": "abcd1234"}', `{"api_key": "${redacted('api-key')}"}`],
    ['connect(token="abcdef")', `connect(token="${redacted('token')}")`],
    ['password: str = "letmein"', `password: str = "${redacted('password')}"`],
    ['GITHUB_TOKEN=abc123def', `GITHUB_TOKEN=${redacted('token')}`],
    ['SECRET: 12345678', `SECRET: ${redacted('secret')}`],
    [
      'https://x/y?a=1&api_key=abc123xyz&b=2',
      `https://x/y?a=1&api_key=${redacted('api-key')}&b=2`
    ]
  ])('redacts the value assigned in %s', (text, expected) => {
    expect(r.redactText(text)).toBe(expected);
  });

  it.each([
    'password_length = 8',
    'max_tokens = 100',
    'num_tokens = len(tokens)',
    'token = tokenizer(text)',
    'password = getpass.getpass()',
    'api_key = os.environ["OPENAI_API_KEY"]',
    'secret = None',
    'token = self.token',
    'if not password:\n    raise ValueError("no password")',
    'df = pd.read_csv("data/train.csv")\nmodel.fit(X, y)',
    'url = "https://example.com/path?q=1"',
    'sk-learn is not a key; risk-free',
    'import sklearn\nfrom sklearn.model_selection import train_test_split',
    'AKIA is a prefix',
    'Traceback (most recent call last):\n  File "<stdin>", line 1',
    'tokens: ["a", "b"]',
    'password = ""'
  ])('leaves normal code alone: %s', text => {
    expect(r.redactText(text)).toBe(text);
  });

  it('applies extra patterns and ignores invalid ones', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const custom = new Redactor({ extraPatterns: ['ACME-[0-9]{6}', '('] });
    expect(custom.redactText('id ACME-123456 here')).toBe(
      `id ${redacted('custom')} here`
    );
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });

  it('stays linear on texts made to make regular expressions backtrack', () => {
    // A quadratic pattern takes minutes on any of these; linear ones
    // milliseconds. The bound is loose for a busy machine.
    for (const text of [
      'a.'.repeat(300000),
      'a-'.repeat(300000),
      'a://'.repeat(150000),
      'token='.repeat(100000),
      'password="'.repeat(60000),
      'eyJ'.repeat(200000)
    ]) {
      const started = Date.now();
      r.redactText(text);
      expect(Date.now() - started).toBeLessThan(3000);
    }
  });

  it('does nothing when disabled', () => {
    const off = new Redactor({ enabled: false });
    expect(off.redactText(`key ${AWS}`)).toBe(`key ${AWS}`);
  });
});

describe('Redactor events', () => {
  it('keeps clean outputs as they are and never changes the values it copies', () => {
    const clean = {
      output_type: 'display_data' as const,
      data: { 'text/plain': 'accuracy 0.93', 'application/json': { a: [1] } },
      metadata: {}
    };
    const json = { keep: { deep: ['x'] }, password: 'hunter22' };
    const secret = {
      output_type: 'execute_result' as const,
      execution_count: 1,
      data: { 'application/json': json },
      metadata: {}
    };
    const event = completed({ outputs: [clean, secret] });
    const out = r.redactEvent(event) as typeof event;
    const [first, second] = out.execution.outputs as any[];
    // Nothing to redact: the very same objects, no copies made.
    expect(first).toBe(clean);
    // Redacted where needed, sharing what did not change...
    expect(second).not.toBe(secret);
    expect(second.data['application/json'].password).toBe(redacted('password'));
    expect(second.data['application/json'].keep).toBe(json.keep);
    // ...and the caller's values are left untouched.
    expect(json.password).toBe('hunter22');
  });

  it('redacts code, outputs, errors and params but not images', () => {
    const png = `iVBOR${AWS}`;
    const event = completed({
      code: `os.environ["K"] = "${AWS}"`,
      status: 'error',
      error: { ename: 'ValueError', evalue: `bad ${GH}` },
      outputs: [
        { output_type: 'stream', name: 'stdout', text: ['tok ', `${SK}\n`] },
        { output_type: 'stream', name: 'stdout', text: ['plain ', 'text\n'] },
        {
          output_type: 'display_data',
          data: {
            'text/plain': `${SLACK}`,
            'text/html': [`<b>${GL}</b>`],
            'application/json': { nested: [`${JWT}`], password: 'hunter22' },
            'image/png': png
          },
          metadata: {}
        },
        {
          output_type: 'error',
          ename: 'E',
          evalue: `${GOOGLE}`,
          traceback: [`line ${AWS}`]
        }
      ],
      capture: {
        params: { db_url: 'mysql://u:pw1234@h/db', api_token: 'plainvalue' },
        files: [
          { path: 's3://u:pw1234@bucket/x.csv', access: 'read', kind: 'file' }
        ]
      }
    });
    r.redactEvent(event);
    const execution = (event as any).execution;
    const { 'image/png': image, ...texts } = execution.outputs[2].data;
    expect(image).toBe(png);
    const out = JSON.stringify({
      ...execution,
      outputs: [...execution.outputs.slice(0, 2), texts, execution.outputs[3]]
    });
    for (const secret of [
      AWS,
      GH,
      SK,
      SLACK,
      GL,
      JWT,
      GOOGLE,
      'hunter22',
      'pw1234',
      'plainvalue'
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(execution.outputs[1].text).toEqual(['plain ', 'text\n']);
    expect(execution.outputs[0].text).toBe(`tok ${redacted('api-key')}\n`);
  });

  it('redacts the git diff of an environment and annotated params', () => {
    const env: TrailEvent = {
      id: 'e',
      kind: 'environment.captured',
      sessionId: 's',
      fromSeq: 1,
      environment: {
        capturedAt: '2026-01-01T00:00:00.000Z',
        language: { name: 'python', version: '3.11' },
        platform: { system: 'Linux' },
        packages: [],
        git: { commit: 'abc', dirty: true, diff: `+token = "${GH}"\n` }
      }
    };
    r.redactEvent(env);
    expect((env as any).environment.git.diff).toBe(
      `+token = "${redacted('github-token')}"\n`
    );
    const annotated: TrailEvent = {
      id: 'a',
      kind: 'execution.annotated',
      sessionId: 's',
      executionId: 'x',
      capture: { params: { key: `${SK}`, lr: 0.1 } }
    };
    r.redactEvent(annotated);
    expect((annotated as any).capture.params).toEqual({
      key: redacted('api-key'),
      lr: 0.1
    });
  });

  it("redacts the paths of a fork's substitutions and keeps the rest of its lineage", () => {
    const started: TrailEvent = {
      id: 'st',
      kind: 'session.started',
      session: {
        id: 's',
        notebookPath: 'fork.ipynb',
        startedAt: '2026-01-01T00:00:00.000Z',
        kernel: { name: 'python3' },
        lineage: {
          kind: 'fork',
          sessionId: 'src',
          step: 3,
          substitutions: [
            {
              recorded: 'data/train.csv',
              path: 's3://u:pw1234@bucket/mine.csv',
              sha256: 'a'.repeat(64)
            },
            { recorded: `cache/api_key=${GH}.json`, path: 'mine/cache.json' }
          ]
        }
      }
    };
    r.redactEvent(started);
    const lineage = (started as any).session.lineage;
    expect(lineage.substitutions[0].path).not.toContain('pw1234');
    expect(lineage.substitutions[0].path).toContain('s3://u:');
    expect(lineage.substitutions[0].path).toContain('@bucket/mine.csv');
    expect(lineage.substitutions[0].recorded).toBe('data/train.csv');
    expect(lineage.substitutions[0].sha256).toBe('a'.repeat(64));
    expect(lineage.substitutions[1].recorded).not.toContain(GH);
    expect(lineage.substitutions[1].path).toBe('mine/cache.json');
    expect(lineage).toMatchObject({ kind: 'fork', sessionId: 'src', step: 3 });
  });
});
