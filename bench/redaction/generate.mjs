/**
 * The redaction benchmark's fake secrets: values drawn from a seeded
 * generator, so every run places the same secrets and no literal secret
 * sits in the repository.
 */
let seed = 20260101;
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = chars => chars[Math.floor(random() * chars.length)];
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const DIGITS = '0123456789';
const CLASSES = {
  A: LOWER + UPPER + DIGITS,
  a: LOWER + DIGITS,
  h: '0123456789abcdef',
  H: '0123456789ABCDEF',
  d: DIGITS,
  u: UPPER + DIGITS,
  b: LOWER + UPPER + DIGITS + '+/',
  s: LOWER + UPPER + DIGITS + '_-',
  G: 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L',
  p: LOWER + UPPER + DIGITS + '!#%*+-_~^'
};
const WORDS = [
  'correct',
  'horse',
  'battery',
  'staple',
  'violet',
  'harbor',
  'lemon',
  'quartz',
  'meadow',
  'tiger',
  'velvet',
  'orbit'
];
/** `n` characters of class `cls` (see CLASSES; `w`: words). */
export function chunk(cls, n) {
  if (cls === 'w') {
    return Array.from({ length: n }, () => pick(WORDS)).join(' ');
  }
  let out = '';
  for (let i = 0; i < n; i++) {
    out += pick(CLASSES[cls]);
  }
  if (cls === 'p') {
    // A password mixes classes: make sure it does.
    out = pick(UPPER) + out.slice(3) + pick(DIGITS) + pick('!#%*+');
  }
  return out;
}
/** A secret from its catalogue template (`<<A:20>>`: 20 of class A). */
export function expand(template) {
  if (template === 'BASIC64') {
    return Buffer.from(`ana:${chunk('p', 12)}`).toString('base64');
  }
  return template
    .replace(/<<(\w):(\d+)>>/g, (_, cls, n) => chunk(cls, Number(n)))
    .replace(/\\n/g, '\n');
}
