// A small evaluator for the subset of CEL (the Common Expression Language) that CRD validation rules
// (`x-kubernetes-validations`) of the Gateway API use, so that schema-violation applies them offline
// as the API server does.
//
// Semantics followed (cel-spec doc/langdef.md; Kubernetes "Validation rules" of CustomResourceDefinitions,
// k8s.io/apiextensions-apiserver pkg/apiserver/schema/cel):
// - `has(a.f)` is false for an absent field; reading an absent field is an error ("no such key");
// - `&&` and `||` absorb an error when the other side decides (false && error == false);
// - macros all, exists, exists_one, filter, map over lists (elements) and maps (keys);
// - property names that are CEL keywords are written `__name__` (`p.__namespace__`), and `__dot__`,
//   `__dash__`, `__slash__`, `__underscores__` escape ".", "-", "/", "__";
// - Kubernetes library functions used by the CRDs: isIP (k8s.io/apiserver pkg/cel/library/ip.go),
//   string split/substring (cel-go ext strings), duration().
// `matches` takes an RE2 expression; the CRDs' expressions are also valid JavaScript ones except for a
// leading `(?i)` (also after `^`), which becomes the `i` flag.
import { isIP } from 'node:net';

export type CelValue = null | boolean | number | string | CelValue[] | { [key: string]: CelValue } | CelDuration;

/** A google.protobuf.Duration, in nanoseconds. */
export class CelDuration {
  constructor(readonly nanos: number) {}
}

/** An evaluation error (a missing key, a type mismatch): the rule cannot be decided. */
export class CelError extends Error {}

type Node =
  | { t: 'lit'; v: CelValue }
  | { t: 'id'; name: string }
  | { t: 'sel'; obj: Node; field: string }
  | { t: 'has'; obj: Node; field: string }
  | { t: 'idx'; obj: Node; index: Node }
  | { t: 'call'; name: string; target?: Node; args: Node[] }
  | { t: 'macro'; name: string; target: Node; v: string; body: Node }
  | { t: 'list'; items: Node[] }
  | { t: 'un'; op: string; a: Node }
  | { t: 'bin'; op: string; a: Node; b: Node }
  | { t: 'cond'; c: Node; a: Node; b: Node };

export interface CelProgram {
  source: string;
  root: Node;
}

// ---- lexer -------------------------------------------------------------------------------------

type Token = { k: 'num'; v: number } | { k: 'str'; v: string } | { k: 'id'; v: string } | { k: 'op'; v: string } | { k: 'end' };

const OPS = ['&&', '||', '==', '!=', '<=', '>=', '<', '>', '!', '?', ':', '.', ',', '(', ')', '[', ']', '{', '}', '+', '-', '*', '/', '%'];

function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    // String literals: '..', "..", '''..''', """..""", with an optional r/R (raw) prefix.
    const raw = (c === 'r' || c === 'R') && (src[i + 1] === '"' || src[i + 1] === "'");
    const q0 = raw ? i + 1 : i;
    if (src[q0] === '"' || src[q0] === "'") {
      const q = src[q0]!;
      const triple = src.startsWith(q.repeat(3), q0);
      const close = triple ? q.repeat(3) : q;
      let j = q0 + close.length;
      let s = '';
      for (;;) {
        if (j >= src.length) throw new CelError('unterminated string');
        if (src.startsWith(close, j)) break;
        const ch = src[j]!;
        if (ch === '\\' && !raw) {
          const e = src[j + 1];
          const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", '`': '`', '?': '?' };
          if (e !== undefined && map[e] !== undefined) {
            s += map[e];
            j += 2;
            continue;
          }
          throw new CelError(`unsupported escape \\${e ?? ''}`);
        }
        s += ch;
        j++;
      }
      out.push({ k: 'str', v: s });
      i = j + close.length;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?[uU]?/.exec(src.slice(i))!;
      out.push({ k: 'num', v: Number(m[0].replace(/[uU]$/, '')) });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      out.push({ k: 'id', v: m[0] });
      i += m[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new CelError(`unexpected character ${c}`);
    out.push({ k: 'op', v: op });
    i += op.length;
  }
  out.push({ k: 'end' });
  return out;
}

// ---- parser ------------------------------------------------------------------------------------

const MACROS = new Set(['all', 'exists', 'exists_one', 'filter', 'map']);

/** Parses a CEL expression of the supported subset; throws CelError on anything else. */
export function parseCel(source: string): CelProgram {
  const toks = lex(source);
  let p = 0;
  const peek = (): Token => toks[p]!;
  const isOp = (v: string): boolean => {
    const t = peek();
    return t.k === 'op' && t.v === v;
  };
  const eat = (v: string): void => {
    if (!isOp(v)) throw new CelError(`expected ${v}`);
    p++;
  };
  const ident = (): string => {
    const t = peek();
    if (t.k !== 'id') throw new CelError('expected a name');
    p++;
    return t.v;
  };
  const args = (): Node[] => {
    const list: Node[] = [];
    eat('(');
    if (!isOp(')')) {
      list.push(expr());
      while (isOp(',')) {
        p++;
        list.push(expr());
      }
    }
    eat(')');
    return list;
  };
  function expr(): Node {
    const c = or();
    if (!isOp('?')) return c;
    p++;
    const a = expr();
    eat(':');
    const b = expr();
    return { t: 'cond', c, a, b };
  }
  function or(): Node {
    let a = and();
    while (isOp('||')) {
      p++;
      a = { t: 'bin', op: '||', a, b: and() };
    }
    return a;
  }
  function and(): Node {
    let a = rel();
    while (isOp('&&')) {
      p++;
      a = { t: 'bin', op: '&&', a, b: rel() };
    }
    return a;
  }
  function rel(): Node {
    let a = add();
    for (;;) {
      const t = peek();
      const op = t.k === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(t.v) ? t.v : t.k === 'id' && t.v === 'in' ? 'in' : undefined;
      if (!op) return a;
      p++;
      a = { t: 'bin', op, a, b: add() };
    }
  }
  function add(): Node {
    let a = mul();
    while (isOp('+') || isOp('-')) {
      const op = (peek() as { v: string }).v;
      p++;
      a = { t: 'bin', op, a, b: mul() };
    }
    return a;
  }
  function mul(): Node {
    let a = unary();
    while (isOp('*') || isOp('/') || isOp('%')) {
      const op = (peek() as { v: string }).v;
      p++;
      a = { t: 'bin', op, a, b: unary() };
    }
    return a;
  }
  function unary(): Node {
    if (isOp('!') || isOp('-')) {
      const op = (peek() as { v: string }).v;
      p++;
      return { t: 'un', op, a: unary() };
    }
    return member();
  }
  function member(): Node {
    let n = primary();
    for (;;) {
      if (isOp('.')) {
        p++;
        const name = ident();
        if (isOp('(')) {
          if (MACROS.has(name)) {
            eat('(');
            const v = ident();
            eat(',');
            const body = expr();
            eat(')');
            n = { t: 'macro', name, target: n, v, body };
          } else n = { t: 'call', name, target: n, args: args() };
        } else n = { t: 'sel', obj: n, field: name };
      } else if (isOp('[')) {
        p++;
        const index = expr();
        eat(']');
        n = { t: 'idx', obj: n, index };
      } else return n;
    }
  }
  function primary(): Node {
    const t = peek();
    if (t.k === 'num' || t.k === 'str') {
      p++;
      return { t: 'lit', v: t.v };
    }
    if (t.k === 'op' && t.v === '(') {
      p++;
      const e = expr();
      eat(')');
      return e;
    }
    if (t.k === 'op' && t.v === '[') {
      p++;
      const items: Node[] = [];
      if (!isOp(']')) {
        items.push(expr());
        while (isOp(',')) {
          p++;
          items.push(expr());
        }
      }
      eat(']');
      return { t: 'list', items };
    }
    if (t.k === 'id') {
      p++;
      if (t.v === 'true' || t.v === 'false') return { t: 'lit', v: t.v === 'true' };
      if (t.v === 'null') return { t: 'lit', v: null };
      if (isOp('(')) {
        if (t.v === 'has') {
          eat('(');
          const sel = member();
          eat(')');
          if (sel.t !== 'sel') throw new CelError('has() needs a field selection');
          return { t: 'has', obj: sel.obj, field: sel.field };
        }
        return { t: 'call', name: t.v, args: args() };
      }
      return { t: 'id', name: t.v };
    }
    throw new CelError('unexpected token');
  }
  const root = expr();
  if (peek().k !== 'end') throw new CelError('unexpected trailing input');
  return { source, root };
}

// ---- evaluator ---------------------------------------------------------------------------------

type Env = Map<string, CelValue>;

function unescapeField(name: string): string {
  if (!name.includes('__')) return name;
  const keyword = /^__([A-Za-z]+)__$/.exec(name);
  if (keyword && !['dot', 'dash', 'slash', 'underscores'].includes(keyword[1]!)) return keyword[1]!;
  return name.replace(/__underscores__/g, '__').replace(/__dot__/g, '.').replace(/__dash__/g, '-').replace(/__slash__/g, '/');
}

const isMap = (v: CelValue): v is { [key: string]: CelValue } => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof CelDuration);

function field(obj: CelValue, name: string): CelValue | undefined {
  if (!isMap(obj)) throw new CelError('field selection on a non-object');
  const key = unescapeField(name);
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

function bool(v: CelValue): boolean {
  if (typeof v !== 'boolean') throw new CelError('expected a boolean');
  return v;
}

function equal(a: CelValue, b: CelValue): boolean {
  if (a instanceof CelDuration && b instanceof CelDuration) return a.nanos === b.nanos;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]!));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && equal(a[k]!, b[k]!));
  }
  return a === b;
}

function compare(a: CelValue, b: CelValue): number {
  if (a instanceof CelDuration && b instanceof CelDuration) return a.nanos - b.nanos;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new CelError('values cannot be compared');
}

function size(v: CelValue): number {
  if (typeof v === 'string') return [...v].length;
  if (Array.isArray(v)) return v.length;
  if (isMap(v)) return Object.keys(v).length;
  throw new CelError('size() of a value without one');
}

function str(v: CelValue): string {
  if (typeof v !== 'string') throw new CelError('expected a string');
  return v;
}

const DURATION_UNITS: Record<string, number> = { h: 3.6e12, m: 6e10, s: 1e9, ms: 1e6, us: 1e3, µs: 1e3, μs: 1e3, ns: 1 };

/** A Go duration string ("1h30m", "500ms", "0s") in nanoseconds (time.ParseDuration). */
function parseDuration(s: string): CelDuration {
  const m = /^([-+]?)((?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+|0)$/.exec(s);
  if (!m) throw new CelError(`invalid duration ${s}`);
  let total = 0;
  for (const part of m[2]!.matchAll(/([0-9]*\.?[0-9]*)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(part[1]) * DURATION_UNITS[part[2]!]!;
  return new CelDuration(m[1] === '-' ? -total : total);
}

const regexCache = new Map<string, RegExp>();
function regex(re2: string): RegExp {
  let r = regexCache.get(re2);
  if (!r) {
    // A leading (?i), before or after the ^ anchor (GRPCRoute's service rule has "^(?i)").
    const flag = /^(\^?)\(\?i\)/.exec(re2);
    try {
      r = new RegExp(flag ? `${flag[1]}${re2.slice(flag[0].length)}` : re2, flag ? 'iu' : 'u');
    } catch {
      throw new CelError(`unsupported regular expression ${re2}`);
    }
    regexCache.set(re2, r);
  }
  return r;
}

function elements(v: CelValue): CelValue[] {
  if (Array.isArray(v)) return v;
  if (isMap(v)) return Object.keys(v);
  throw new CelError('a macro over a value that is neither a list nor a map');
}

function evalNode(n: Node, env: Env): CelValue {
  switch (n.t) {
    case 'lit':
      return n.v;
    case 'id': {
      if (!env.has(n.name)) throw new CelError(`unknown name ${n.name}`);
      return env.get(n.name)!;
    }
    case 'sel': {
      const v = field(evalNode(n.obj, env), n.field);
      if (v === undefined) throw new CelError(`no such key: ${n.field}`);
      return v;
    }
    case 'has':
      return field(evalNode(n.obj, env), n.field) !== undefined;
    case 'idx': {
      const obj = evalNode(n.obj, env);
      const i = evalNode(n.index, env);
      if (Array.isArray(obj) && typeof i === 'number') {
        if (!Number.isInteger(i) || i < 0 || i >= obj.length) throw new CelError('index out of range');
        return obj[i]!;
      }
      if (isMap(obj) && typeof i === 'string' && Object.prototype.hasOwnProperty.call(obj, i)) return obj[i]!;
      throw new CelError('invalid index');
    }
    case 'list':
      return n.items.map((x) => evalNode(x, env));
    case 'un': {
      const a = evalNode(n.a, env);
      if (n.op === '!') return !bool(a);
      if (typeof a !== 'number') throw new CelError('negation of a non-number');
      return -a;
    }
    case 'cond':
      return bool(evalNode(n.c, env)) ? evalNode(n.a, env) : evalNode(n.b, env);
    case 'bin':
      return binary(n, env);
    case 'macro':
      return macro(n, env);
    case 'call':
      return call(n, env);
  }
}

function binary(n: Extract<Node, { t: 'bin' }>, env: Env): CelValue {
  if (n.op === '&&' || n.op === '||') {
    // Commutative with errors: either side that decides wins.
    const decides = n.op === '||';
    let err: unknown;
    let a: boolean | undefined;
    try {
      a = bool(evalNode(n.a, env));
      if (a === decides) return decides;
    } catch (e) {
      err = e;
    }
    const b = bool(evalNode(n.b, env));
    if (b === decides) return decides;
    if (err) throw err;
    return !decides;
  }
  const a = evalNode(n.a, env);
  const b = evalNode(n.b, env);
  switch (n.op) {
    case '==':
      return equal(a, b);
    case '!=':
      return !equal(a, b);
    case '<':
      return compare(a, b) < 0;
    case '<=':
      return compare(a, b) <= 0;
    case '>':
      return compare(a, b) > 0;
    case '>=':
      return compare(a, b) >= 0;
    case 'in':
      if (Array.isArray(b)) return b.some((x) => equal(a, x));
      if (isMap(b)) return typeof a === 'string' && Object.prototype.hasOwnProperty.call(b, a);
      throw new CelError('"in" needs a list or a map');
    case '+':
      if (typeof a === 'number' && typeof b === 'number') return a + b;
      if (typeof a === 'string' && typeof b === 'string') return a + b;
      if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
      throw new CelError('invalid operands of +');
    case '-':
    case '*':
    case '/':
    case '%': {
      if (typeof a !== 'number' || typeof b !== 'number') throw new CelError(`invalid operands of ${n.op}`);
      if ((n.op === '/' || n.op === '%') && b === 0) throw new CelError('division by zero');
      return n.op === '-' ? a - b : n.op === '*' ? a * b : n.op === '/' ? Math.trunc(a / b) : a % b;
    }
    default:
      throw new CelError(`unsupported operator ${n.op}`);
  }
}

function macro(n: Extract<Node, { t: 'macro' }>, env: Env): CelValue {
  const items = elements(evalNode(n.target, env));
  // The loop variable shadows an outer binding of the same name for the body only.
  const had = env.has(n.v);
  const outer = env.get(n.v);
  const test = (x: CelValue): CelValue => {
    env.set(n.v, x);
    try {
      return evalNode(n.body, env);
    } finally {
      if (had) env.set(n.v, outer!);
      else env.delete(n.v);
    }
  };
  switch (n.name) {
    case 'all': {
      // An error is absorbed by a false element elsewhere (cel-spec: macros are && / || folds).
      let err: unknown;
      for (const x of items) {
        try {
          if (!bool(test(x))) return false;
        } catch (e) {
          err ??= e;
        }
      }
      if (err) throw err;
      return true;
    }
    case 'exists': {
      let err: unknown;
      for (const x of items) {
        try {
          if (bool(test(x))) return true;
        } catch (e) {
          err ??= e;
        }
      }
      if (err) throw err;
      return false;
    }
    case 'exists_one': {
      let count = 0;
      for (const x of items) if (bool(test(x))) count++;
      return count === 1;
    }
    case 'filter':
      return items.filter((x) => bool(test(x)));
    case 'map':
      return items.map(test);
    default:
      throw new CelError(`unsupported macro ${n.name}`);
  }
}

function call(n: Extract<Node, { t: 'call' }>, env: Env): CelValue {
  const target = n.target ? evalNode(n.target, env) : undefined;
  const args = n.args.map((a) => evalNode(a, env));
  const one = (): CelValue => {
    if (args.length !== 1) throw new CelError(`${n.name} takes one argument`);
    return args[0]!;
  };
  if (target === undefined) {
    switch (n.name) {
      case 'size':
        return size(one());
      case 'duration':
        return parseDuration(str(one()));
      case 'isIP':
        // ip.go isIP: a valid IPv4 or IPv6 address, without a zone.
        return isIP(str(one())) !== 0 && !str(args[0]!).includes('%');
      case 'int': {
        const v = one();
        if (typeof v === 'number') return Math.trunc(v);
        if (typeof v === 'string' && /^[-+]?[0-9]+$/.test(v)) return Number(v);
        throw new CelError('int() of an invalid value');
      }
      case 'string':
        return String(one());
      default:
        throw new CelError(`unsupported function ${n.name}`);
    }
  }
  switch (n.name) {
    case 'size':
      return size(target);
    case 'contains':
      return str(target).includes(str(one()));
    case 'startsWith':
      return str(target).startsWith(str(one()));
    case 'endsWith':
      return str(target).endsWith(str(one()));
    case 'matches':
      return regex(str(one())).test(str(target));
    case 'split':
      if (args.length !== 1) throw new CelError('split takes one argument here');
      return str(target).split(str(args[0]!));
    case 'substring': {
      const s = [...str(target)];
      const start = args[0];
      const end = args.length > 1 ? args[1] : s.length;
      if (typeof start !== 'number' || typeof end !== 'number' || start < 0 || end > s.length || start > end) throw new CelError('substring out of range');
      return s.slice(start, end).join('');
    }
    case 'lowerAscii':
      return str(target).replace(/[A-Z]/g, (c) => c.toLowerCase());
    default:
      throw new CelError(`unsupported method ${n.name}`);
  }
}

/**
 * Evaluates a rule with `self` bound to the value (after defaulting). true: the value passes; false:
 * the API server rejects it; throws CelError when the rule cannot be decided.
 */
export function evaluateCel(program: CelProgram, self: CelValue): boolean {
  return bool(evalNode(program.root, new Map([['self', self]])));
}
