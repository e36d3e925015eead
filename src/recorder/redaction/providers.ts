/**
 * Tokens that need no name to be recognised: each provider's documented
 * prefix and shape. The list follows the formats the gitleaks and
 * secretlint rule sets describe (written here, not copied), plus shapes
 * common in notebooks (model hubs, LLM APIs, experiment trackers).
 */
import { looksRandom } from './values';

/**
 * A provider token: its kind and its shape (a regular expression source,
 * matched whole at a word start).
 */
export interface IProviderRule {
  kind: string;
  source: string;
  /** A check on the match: false keeps it (a word that shares the prefix). */
  check?: (match: string) => boolean;
}

/** Mixed-case with digits after the prefix: real keys, not slugs. */
const random =
  (prefixLength: number, min = 16) =>
  (match: string) =>
    looksRandom(match.slice(prefixLength), min);

export const PROVIDER_RULES: readonly IProviderRule[] = [
  {
    kind: 'aws-access-key',
    source: '(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}'
  },
  {
    kind: 'github-token',
    source: 'gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}'
  },
  {
    kind: 'gitlab-token',
    source:
      'gl(?:pat|dt|rt|ptt|ft|imt|agent|oas|cbt|soat)-[A-Za-z0-9_-]{20,}|GR1348941[A-Za-z0-9_-]{20}'
  },
  {
    kind: 'slack-token',
    source:
      'xox[abposre]-[A-Za-z0-9-]{10,}|xapp-\\d-[A-Za-z0-9-]{10,}|https://hooks\\.slack\\.com/(?:services|workflows)/[A-Za-z0-9/_-]{20,}'
  },
  {
    kind: 'discord-webhook',
    source:
      'https://(?:ptb\\.|canary\\.)?discord(?:app)?\\.com/api/webhooks/\\d+/[A-Za-z0-9_-]{30,}'
  },
  {
    // Prefixes that only keys have: sk-proj-, sk-ant-api03-, sk-or-v1-.
    kind: 'api-key',
    source:
      'sk-(?:ant-(?:api|admin|sid)\\d\\d-|proj-|svcacct-|admin-|or-v1-|live-|test-)[A-Za-z0-9_-]{20,}'
  },
  {
    // OpenAI, DeepSeek and others' plain sk-: mixed case and digits, so
    // that sk-learn-baseline-experiment-v2 stays.
    kind: 'api-key',
    source: 'sk-[A-Za-z0-9_-]{20,}',
    check: random(3, 20)
  },
  {
    kind: 'stripe-key',
    source: '(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9]{24,}'
  },
  { kind: 'google-api-key', source: 'AIza[0-9A-Za-z_-]{35}' },
  {
    kind: 'google-oauth',
    source: 'GOCSPX-[A-Za-z0-9_-]{20,}|ya29\\.[A-Za-z0-9_-]{20,}'
  },
  {
    kind: 'sendgrid-key',
    source: 'SG\\.[A-Za-z0-9_-]{16,32}\\.[A-Za-z0-9_-]{16,64}'
  },
  {
    kind: 'huggingface-token',
    source: 'hf_[A-Za-z0-9]{30,}',
    check: random(3)
  },
  { kind: 'npm-token', source: 'npm_[A-Za-z0-9]{36}' },
  { kind: 'pypi-token', source: 'pypi-AgE[A-Za-z0-9_-]{50,}' },
  { kind: 'databricks-token', source: 'dapi[a-f0-9]{32}(?:-\\d)?' },
  { kind: 'shopify-token', source: 'shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}' },
  { kind: 'twilio-key', source: 'SK[0-9a-f]{32}' },
  { kind: 'mailgun-key', source: 'key-[0-9a-f]{32}' },
  { kind: 'digitalocean-token', source: 'do[opr]_v1_[a-f0-9]{64}' },
  { kind: 'figma-token', source: 'figd_[A-Za-z0-9_-]{30,}' },
  { kind: 'linear-key', source: 'lin_(?:api|oauth)_[A-Za-z0-9]{30,}' },
  {
    kind: 'notion-token',
    source: '(?:secret_[A-Za-z0-9]{43}|ntn_[A-Za-z0-9]{40,})',
    check: random(4)
  },
  { kind: 'groq-key', source: 'gsk_[A-Za-z0-9]{40,}' },
  { kind: 'replicate-token', source: 'r8_[A-Za-z0-9]{37}' },
  { kind: 'pinecone-key', source: 'pcsk_[A-Za-z0-9_]{40,}' },
  { kind: 'langsmith-key', source: 'lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}' },
  {
    kind: 'api-key',
    source: '(?:pplx|xai)-[A-Za-z0-9]{40,}',
    check: random(5)
  },
  { kind: 'grafana-token', source: 'gl(?:c|sa)_[A-Za-z0-9_+/=-]{32,}' },
  { kind: 'vault-token', source: 'hv[sb]\\.[A-Za-z0-9_-]{24,}' },
  {
    kind: 'doppler-token',
    source: 'dp\\.(?:pt|st|sa|ct|scim|audit)\\.[A-Za-z0-9]{40,}'
  },
  { kind: 'postman-key', source: 'PMAK-[a-f0-9]{24}-[a-f0-9]{34}' },
  { kind: 'pulumi-token', source: 'pul-[a-f0-9]{40}' },
  {
    kind: 'age-key',
    source: 'AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}'
  },
  { kind: 'newrelic-key', source: 'NRAK-[A-Z0-9]{27}' },
  { kind: 'atlassian-token', source: 'ATATT3[A-Za-z0-9_=-]{40,}' },
  { kind: 'supabase-token', source: 'sbp_[a-f0-9]{40}' },
  {
    kind: 'planetscale-token',
    source: 'pscale_(?:pw|tkn|oauth)_[A-Za-z0-9_.-]{32,}'
  },
  { kind: 'dynatrace-token', source: 'dt0c01\\.[A-Z0-9]{24}\\.[A-Z0-9]{64}' },
  { kind: 'sendinblue-key', source: 'xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}' },
  { kind: 'typeform-token', source: 'tfp_[A-Za-z0-9_.-]{40,}' },
  { kind: 'prefect-key', source: 'pnu_[A-Za-z0-9]{36}' },
  { kind: 'rubygems-key', source: 'rubygems_[a-f0-9]{48}' },
  {
    kind: 'mapbox-token',
    source: 'sk\\.eyJ[A-Za-z0-9_-]{40,}\\.[A-Za-z0-9_-]{20,}'
  },
  {
    kind: 'square-token',
    source: 'sq0(?:atp|csp)-[A-Za-z0-9_-]{22,}|EAAA[A-Za-z0-9_-]{60}'
  },
  { kind: 'alibaba-key', source: 'LTAI[A-Za-z0-9]{20}' },
  { kind: 'adafruit-key', source: 'aio_[A-Za-z0-9]{28}' },
  {
    kind: 'flutterwave-key',
    source: 'FLW(?:SECK|PUBK)_TEST-[a-f0-9]{32}-X|FLWSECK-[a-f0-9]{32}-X'
  },
  { kind: 'dropbox-token', source: 'sl\\.[A-Za-z0-9_-]{130,}' },
  {
    kind: 'jwt',
    source: 'eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}'
  }
];

/**
 * Tokens whose first characters are not a fixed prefix: each is looked for
 * only in texts that hold its hint, so the one-pass expression below can
 * start at the few characters that begin a prefix.
 */
export const UNPREFIXED_RULES: readonly (IProviderRule & { hint: string })[] = [
  {
    kind: 'mailchimp-key',
    hint: '-us',
    source: '[0-9a-f]{32}-us\\d{1,2}'
  },
  {
    kind: 'terraform-token',
    hint: '.atlasv1.',
    source: '[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,}'
  },
  {
    kind: 'azure-client-secret',
    hint: 'Q~',
    source: '[A-Za-z0-9_~.]{3}\\dQ~[A-Za-z0-9_~.-]{31,34}'
  },
  {
    kind: 'telegram-bot-token',
    hint: ':AA',
    source: '\\d{8,10}:AA[A-Za-z0-9_-]{33}',
    check: random(11, 20)
  }
];

/**
 * All provider rules as one expression: one pass over a text finds every
 * candidate, then the match is checked against its own rule.
 */
export const PROVIDER_PATTERN = new RegExp(
  `(?<![A-Za-z0-9_])(?=[${firstCharacters()}])(?:${PROVIDER_RULES.map(rule => rule.source).join('|')})(?![A-Za-z0-9])`,
  'g'
);

/** The characters that start a provider rule (each starts with a literal). */
function firstCharacters(): string {
  const first = new Set<string>();
  for (const rule of PROVIDER_RULES) {
    for (const alternative of rule.source.split('|')) {
      const c = alternative.replace(/^\(\?:/, '')[0];
      if (!/[A-Za-z0-9]/.test(c)) {
        throw new Error(`provider rule without a literal start: ${rule.kind}`);
      }
      first.add(c);
    }
  }
  return [...first].join('');
}

const ANCHORED = PROVIDER_RULES.map(rule => new RegExp(`^(?:${rule.source})$`));

/**
 * The rule a match of PROVIDER_PATTERN belongs to, or null when its check
 * keeps it.
 */
export function providerOf(match: string): IProviderRule | null {
  for (let i = 0; i < PROVIDER_RULES.length; i++) {
    if (ANCHORED[i].test(match)) {
      const rule = PROVIDER_RULES[i];
      if (rule.check === undefined || rule.check(match)) {
        return rule;
      }
    }
  }
  return null;
}
