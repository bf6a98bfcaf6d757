// A plain scalar inside a flow collection ending in `:` (`[fd00::, 10.0.0.1]`, `{k: fd00::}`) as
// go-yaml reads it. go-yaml v2 ends a plain scalar at a `:` only when a blank follows it; in a flow
// collection also at `,`, `?`, `[`, `]`, `{` and `}` (scannerc.go yaml_parser_scan_plain_scalar).
// So `fd00::` before `,`, `]` or `}` is one string to Kubernetes. The `yaml` package (YAML 1.2: a
// `:` followed by a flow indicator is the value indicator) reads `fd00:` and then a `:`, which makes
// a one-pair map in a sequence and an error in a map. This rewrites the lexer's output before the
// parser sees it: the `:` joins the scalar, and the empty scalar the lexer put after it is dropped.
// Offsets stay as they were (the parser counts the scalar's source one character longer and the
// `:` is gone), so positions stay exact. Checked against the real decoder by test/k8s-yaml.test.ts.

/** The yaml package's lexer control characters (its cst.ts: SCALAR, DOCUMENT, FLOW_END). */
const SCALAR = '\x1f';
const DOCUMENT = '\x02';
const FLOW_END = '\x18';

/** What may follow the `:` for go-yaml to keep it in the scalar: a flow indicator go-yaml ends plain scalars at. */
function endsPlainInFlow(lexeme: string | undefined): boolean {
  return lexeme === ',' || lexeme === ']' || lexeme === '}' || lexeme === '[' || lexeme === '{';
}

/** The lexemes of `lexemes` with every flow plain scalar followed by `:` and a flow indicator joined as go-yaml reads it. */
export function* joinFlowPlainColons(lexemes: Iterable<string>): Generator<string> {
  const it = lexemes[Symbol.iterator]();
  /** Lexemes read ahead and not yet given out, oldest first. */
  const ahead: string[] = [];
  const pull = (): string | undefined => {
    if (ahead.length > 0) return ahead.shift();
    const n = it.next();
    return n.done ? undefined : n.value;
  };
  const peek = (k: number): string | undefined => {
    while (ahead.length <= k) {
      const n = it.next();
      if (n.done) return undefined;
      ahead.push(n.value);
    }
    return ahead[k];
  };
  let depth = 0;
  for (let lx = pull(); lx !== undefined; lx = pull()) {
    if (lx === SCALAR) {
      yield lx;
      const source = pull();
      if (source === undefined) return;
      // A plain scalar's text, then `:` with a flow indicator after it (or the lexer's empty scalar and then one).
      if (depth > 0 && source !== '' && peek(0) === ':') {
        if (endsPlainInFlow(peek(1))) {
          ahead.shift();
          yield `${source}:`;
          continue;
        }
        if (peek(1) === SCALAR && peek(2) === '' && endsPlainInFlow(peek(3))) {
          ahead.splice(0, 3);
          yield `${source}:`;
          continue;
        }
      }
      yield source;
      continue;
    }
    if (lx === '{' || lx === '[') depth++;
    else if ((lx === '}' || lx === ']') && depth > 0) depth--;
    else if (lx === DOCUMENT || lx === FLOW_END) depth = 0;
    yield lx;
  }
}
