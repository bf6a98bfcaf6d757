// The value of a YAML scalar as Kubernetes reads it. kubectl and the API server decode manifests
// with sigs.k8s.io/yaml, which reads YAML with go-yaml v2 (YAML 1.1 scalars) and then converts the
// result to JSON. This module follows go-yaml v2's resolve() (gopkg.in/yaml.v2 resolve.go) and
// sigs.k8s.io/yaml's convertToJSONableObject (yaml.go) for what reaches JSON:
// - booleans: y Y yes Yes YES true True TRUE on On ON, and n N no No NO false False FALSE off Off OFF;
// - null: ~ null Null NULL and the empty plain scalar;
// - integers: decimal, 0-prefixed octal (0443 is 291), 0o octal, 0x hex, 0b binary, with a sign and
//   `_` anywhere after the first character (Go's strconv.ParseInt with base 0, after go-yaml drops the `_`);
//   beyond int64 they are uint64 or floats, as in go-yaml;
// - floats: [-+]?(.d+|d+(.d*)?)([eE][-+]?d+)? and .inf/.nan in three spellings, which JSON cannot hold
//   (sigs.k8s.io/yaml then fails with "json: unsupported value");
// - timestamps (`2001-12-14`) stay strings as written: go-yaml v2 resolves them to time.Time but
//   keeps the text when decoding into interface{}, which sigs.k8s.io/yaml does;
// - anything else, and every quoted or block scalar, is a string.
// Checked against the real decoder by test/k8s-yaml.test.ts.

/** First characters go-yaml looks further at (its resolve table); any other scalar is a string. */
function hint(c: number): number {
  // + - → S, 0-9 → D, y Y n N t T f F o O ~ → M, . → .
  if (c === 0x2b || c === 0x2d) return 0x53;
  if (c >= 0x30 && c <= 0x39) return 0x44;
  if (c === 0x2e) return 0x2e;
  if (c === 0x79 || c === 0x59 || c === 0x6e || c === 0x4e || c === 0x74 || c === 0x54 || c === 0x66 || c === 0x46 || c === 0x6f || c === 0x4f || c === 0x7e) return 0x4d;
  return 0;
}

/** go-yaml's resolve map: words with a fixed value. */
const WORDS = new Map<string, unknown>();
for (const w of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) WORDS.set(w, true);
for (const w of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) WORDS.set(w, false);
for (const w of ['~', 'null', 'Null', 'NULL']) WORDS.set(w, null);
for (const w of ['.nan', '.NaN', '.NAN']) WORDS.set(w, Number.NaN);
for (const w of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) WORDS.set(w, Number.POSITIVE_INFINITY);
for (const w of ['-.inf', '-.Inf', '-.INF']) WORDS.set(w, Number.NEGATIVE_INFINITY);

/** go-yaml's yamlStyleFloat. */
const YAML_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
/** What strconv.ParseFloat takes when the text starts with `.` (no hex float or word can). */
const DOT_FLOAT = /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/;
/** strconv.ParseInt / ParseUint with base 0: optional sign, then a base prefix or a leading 0 for octal. */
const GO_INT = /^([-+]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** The kind of value a plain scalar resolves to (go-yaml's resolved tag). */
export type ScalarKind = 'str' | 'null' | 'bool' | 'int' | 'float';

export interface Resolved {
  kind: ScalarKind;
  /** The JSON value; NaN and ±Infinity for the floats JSON cannot hold. */
  value: unknown;
  /** For ints: the exact value and whether it is beyond int64 (a uint64). */
  big?: bigint;
}

/**
 * The value of a plain (unquoted, untagged) scalar. The fast path: most scalars start with a letter
 * that go-yaml does not look at and come back unchanged.
 */
export function resolvePlainValue(s: string): unknown {
  if (s.length > 0 && hint(s.charCodeAt(0)) === 0) return s;
  return resolvePlain(s).value;
}

/** The value of a plain scalar with its kind. */
export function resolvePlain(s: string): Resolved {
  if (s === '') return { kind: 'null', value: null };
  const h = hint(s.charCodeAt(0));
  if (h === 0) return { kind: 'str', value: s };
  if (WORDS.has(s)) {
    const v = WORDS.get(s);
    return { kind: v === null ? 'null' : typeof v === 'boolean' ? 'bool' : 'float', value: v };
  }
  if (h === 0x4d) return { kind: 'str', value: s };
  if (h === 0x2e) {
    if (DOT_FLOAT.test(s)) {
      const f = Number(s);
      if (Number.isFinite(f)) return { kind: 'float', value: f };
    }
    return { kind: 'str', value: s };
  }
  // Digits or a sign: go-yaml tries a timestamp first, but decoding into interface{} keeps a
  // timestamp as its text (decode.go, "for backward compatibility"), and no timestamp reads as an
  // int or a float; then an int, then a float (0b binary ints are among GO_INT).
  const plain = s.includes('_') ? s.replace(/_/g, '') : s;
  const m = GO_INT.exec(plain);
  if (m) {
    let digits = m[2]!;
    // BigInt reads 0x, 0b and 0o prefixes (lower case) but not a leading-0 octal.
    if (digits.length > 1 && digits[0] === '0' && digits[1]! >= '0' && digits[1]! <= '7') digits = `0o${digits.slice(1)}`;
    else if (digits.length > 1 && digits[0] === '0') digits = `0${digits[1]!.toLowerCase()}${digits.slice(2)}`;
    const n = m[1] === '-' ? -BigInt(digits) : BigInt(digits);
    if (n >= INT64_MIN && n <= INT64_MAX) return { kind: 'int', value: Number(n) + 0, big: n };
    // ParseUint takes no sign.
    if (m[1] === '' && n <= UINT64_MAX) return { kind: 'int', value: Number(n), big: n };
  }
  if (YAML_FLOAT.test(plain)) {
    const f = Number(plain);
    if (Number.isFinite(f)) return { kind: 'float', value: f };
  }
  return { kind: 'str', value: s };
}

/**
 * The JSON object key a resolved plain scalar becomes (sigs.k8s.io/yaml convertToJSONableObject),
 * or undefined when sigs.k8s.io/yaml rejects it ("Unsupported map key": null, a uint64).
 */
export function jsonKey(r: Resolved): string | undefined {
  switch (r.kind) {
    case 'str':
      return r.value as string;
    case 'bool':
      return r.value ? 'true' : 'false';
    case 'int':
      return r.big !== undefined && r.big <= INT64_MAX ? r.big.toString() : undefined;
    case 'float':
      return formatFloat32(r.value as number);
    default:
      return undefined;
  }
}

/** Go's strconv.FormatFloat(f, 'g', -1, 32): the shortest digits that read back as the same float32. */
export function formatFloat32(f: number): string {
  if (Number.isNaN(f)) return '.nan';
  const x = Math.fround(f);
  if (x === Number.POSITIVE_INFINITY) return '.inf';
  if (x === Number.NEGATIVE_INFINITY) return '-.inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  let digits = '';
  let exp = 0;
  for (let p = 1; p <= 9; p++) {
    const e = x.toExponential(p - 1);
    if (Math.fround(Number(e)) === x) {
      const [mant, ex] = e.split('e');
      digits = mant!.replace('.', '').replace('-', '');
      exp = Number(ex);
      break;
    }
  }
  digits = digits.replace(/0+$/, '') || '0';
  const sign = x < 0 ? '-' : '';
  // strconv.formatDigits: with shortest digits, %e when the exponent is < -4 or >= 6 (eprec = 6).
  if (exp < -4 || exp >= 6) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const ae = Math.abs(exp);
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${ae < 10 ? '0' : ''}${ae}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** Whether a number is one JSON cannot hold (sigs.k8s.io/yaml then rejects the document). */
export function isNonJsonNumber(v: unknown): boolean {
  return typeof v === 'number' && !Number.isFinite(v);
}
