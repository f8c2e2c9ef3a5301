// On-chip learning rules written as sum-of-products strings, in the style of Lava's learning engine
// for Loihi (lava-nc/lava, src/lava/magma/core/learning/: symbolic_equation.py tokenises the
// string, product_series.py turns it into products and checks them, string_symbols.py lists the
// symbols, learning_rule.py holds the trace impulses and time constants).
//
// A rule is `dw = "<sum of products>"` (targets dw, dd, dt: weight, delay, tag). Every product is
//   scale · dependency · factor · factor · …
// - dependency (exactly one per product, the first met): x0 (a presynaptic spike this step), y0
//   (a postsynaptic spike), or u<k> (every 2^k steps: Loihi's decimated unconditional term);
// - factors: the traces x1, x2 (pre) and y1, y2, y3 (post), the synaptic variables w, d, t, a
//   further x0 / y0 (as a 0/1 value), a bracket (v ± C) with a constant, sgn(v ± C) for v in
//   {w, d, t};
// - literals n, 2^e, n*2^e multiply into the product's scale m·2^e, which Lava stores as a 4-bit
//   signed mantissa (−8 ≤ m < 8 after moving factors of two into the exponent) and an exponent
//   −7 ≤ e < 9 (product_series.py, _generate_product).
// Example (SCIENCE.md): dw = "x0*(-1)*2^-1*y1 + y0*2^1*x1".
//
// Differences from Lava, deliberately: the parser reads the string left to right with offsets and
// reports every error with its character offset and what is allowed there (Lava raises a Python
// ValueError without a position); a sign inside a product (x0*-1) is an error with a hint to write
// (-1) (Lava's tokenizer would read it as a subtraction and split the product). The evaluator is
// floating point (Lava's PyLearningConnection float model), one learning epoch per time step
// (t_epoch = 1); the fixed-point stochastic rounding of Loihi is not modelled.
// Docs: docs/engine-snn-local-rules.md.

export type RuleTarget = 'dw' | 'dd' | 'dt';
export type Dependency = 'x0' | 'y0' | 'u';
/** What a factor reads: a trace, a synaptic variable, a spike indicator, or a constant 'C'. */
export type FactorVariable = 'x0' | 'y0' | 'x1' | 'x2' | 'y1' | 'y2' | 'y3' | 'w' | 'd' | 't' | 'C';

export interface RuleFactor {
  variable: FactorVariable;
  /** Constant added to the variable (the C in (v + C)); the value itself for variable 'C'. */
  constant: number;
  /** sgn(v + C) instead of v + C. */
  sgn: boolean;
  /** Character offset and length of the factor in the source string. */
  offset: number;
  length: number;
}

export interface RuleProduct {
  dependency: Dependency;
  /** k of a u<k> dependency (the term is active every 2^k steps); undefined otherwise. */
  decimateExponent?: number;
  /** Scale = mantissa · 2^exponent, Lava's representable range: −8 ≤ mantissa < 8, −7 ≤ exponent < 9. */
  mantissa: number;
  exponent: number;
  factors: RuleFactor[];
  offset: number;
  length: number;
}

export interface LearningRuleAst {
  target: RuleTarget;
  products: RuleProduct[];
  /** The common k of the u<k> dependencies (Lava allows one per rule set), if any. */
  decimateExponent?: number;
  /** The traces the rule reads (the learning engine must keep them). */
  traces: Set<'x1' | 'x2' | 'y1' | 'y2' | 'y3'>;
  source: string;
}

export interface RuleError {
  /** Character offset in the source string (0-based) and the length of the offending text. */
  offset: number;
  length: number;
  message: string;
  /** What would have been accepted at that place. */
  allowed: string[];
}

export type ParseResult = { ok: true; rule: LearningRuleAst } | { ok: false; errors: RuleError[] };

export const RULE_TARGETS: readonly RuleTarget[] = ['dw', 'dd', 'dt'];
const TRACE_NAMES = ['x1', 'x2', 'y1', 'y2', 'y3'] as const;
const SYNAPTIC = ['w', 'd', 't'] as const;
const FACTOR_NAMES: readonly string[] = [...TRACE_NAMES, ...SYNAPTIC];
const ALLOWED_FACTOR = [
  'x0',
  'y0',
  'u<k>',
  ...FACTOR_NAMES,
  'sgn(w|d|t ± C)',
  '(v ± C)',
  'integer',
  '2^e',
  'n*2^e',
] as const;

type TokKind = 'num' | 'ident' | '+' | '-' | '*' | '^' | '(' | ')' | '=' | 'end';
interface Tok {
  kind: TokKind;
  text: string;
  offset: number;
}

class RuleSyntaxError extends Error {
  constructor(readonly info: RuleError) {
    super(info.message);
  }
}

function tokenize(src: string, from: number, to: number): Tok[] {
  const toks: Tok[] = [];
  let i = from;
  while (i < to) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c >= '0' && c <= '9') {
      let j = i;
      while (j < to && src[j]! >= '0' && src[j]! <= '9') j++;
      toks.push({ kind: 'num', text: src.slice(i, j), offset: i });
      i = j;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < to && /[A-Za-z0-9_]/.test(src[j]!)) j++;
      toks.push({ kind: 'ident', text: src.slice(i, j), offset: i });
      i = j;
    } else if ('+-*^()='.includes(c)) {
      toks.push({ kind: c as TokKind, text: c, offset: i });
      i++;
    } else {
      throw new RuleSyntaxError({
        offset: i,
        length: 1,
        message: `unexpected character '${c}'`,
        allowed: ['+', '-', '*', '^', '(', ')', 'a symbol', 'an integer'],
      });
    }
  }
  toks.push({ kind: 'end', text: '', offset: to });
  return toks;
}

/** A literal's value as m·2^e (m integer). */
interface Lit {
  m: number;
  e: number;
}

class Parser {
  private pos = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(k = 0): Tok {
    return this.toks[Math.min(this.pos + k, this.toks.length - 1)]!;
  }
  private next(): Tok {
    const t = this.peek();
    if (this.pos < this.toks.length - 1) this.pos++;
    return t;
  }
  private fail(t: Tok, message: string, allowed: readonly string[]): never {
    throw new RuleSyntaxError({
      offset: t.offset,
      length: Math.max(1, t.text.length),
      message,
      allowed: [...allowed],
    });
  }
  private describe(t: Tok): string {
    return t.kind === 'end' ? 'end of rule' : `'${t.text}'`;
  }

  /** sum := [+|-] product ((+|-) product)* end */
  parseSum(): Array<{ sign: number; start: number; items: Item[] }> {
    const products: Array<{ sign: number; start: number; items: Item[] }> = [];
    let sign = 1;
    let start = this.peek().offset;
    if (this.peek().kind === '+' || this.peek().kind === '-') {
      sign = this.next().kind === '-' ? -1 : 1;
    }
    for (;;) {
      products.push({ sign, start, items: this.parseProduct() });
      const t = this.peek();
      if (t.kind === 'end') return products;
      if (t.kind !== '+' && t.kind !== '-') {
        this.fail(t, `expected '+', '-', '*' or the end of the rule, found ${this.describe(t)}`, [
          '+',
          '-',
          '*',
        ]);
      }
      start = t.offset;
      sign = this.next().kind === '-' ? -1 : 1;
    }
  }

  /** product := factor ('*' factor)* */
  private parseProduct(): Item[] {
    const items: Item[] = [this.parseFactor()];
    while (this.peek().kind === '*') {
      this.next();
      const t = this.peek();
      if (t.kind === '+' || t.kind === '-') {
        this.fail(t, `a sign inside a product: write it as a bracket, e.g. (-1)`, ALLOWED_FACTOR);
      }
      items.push(this.parseFactor());
    }
    return items;
  }

  /** literal := n | 2^[±]e | n*2^[±]e is handled as a product of n and 2^e, so here: n or 2^e. */
  private parseNumberLiteral(): Lit {
    const t = this.next();
    const n = Number.parseInt(t.text, 10);
    if (this.peek().kind !== '^') return { m: n, e: 0 };
    if (n !== 2) this.fail(t, `only powers of two are allowed: 2^e, not ${t.text}^…`, ['2^e']);
    this.next();
    let s = 1;
    if (this.peek().kind === '+' || this.peek().kind === '-') s = this.next().kind === '-' ? -1 : 1;
    const et = this.next();
    if (et.kind !== 'num')
      this.fail(et, `expected an integer exponent after '2^', found ${this.describe(et)}`, ['integer']);
    return { m: 1, e: s * Number.parseInt(et.text, 10) };
  }

  private parseFactor(): Item {
    const t = this.peek();
    if (t.kind === 'num') {
      const lit = this.parseNumberLiteral();
      return { kind: 'lit', lit, offset: t.offset, end: this.prevEnd() };
    }
    if (t.kind === '(') return this.parseBracket(false);
    if (t.kind === 'ident') {
      if (t.text === 'sgn') {
        this.next();
        if (this.peek().kind !== '(') this.fail(this.peek(), `expected '(' after sgn`, ['(']);
        const b = this.parseBracket(true);
        return { ...b, offset: t.offset };
      }
      this.next();
      if (t.text === 'x0' || t.text === 'y0')
        return { kind: 'dep', dep: t.text, offset: t.offset, end: this.prevEnd() };
      const u = /^u(\d+)$/.exec(t.text);
      if (u)
        return {
          kind: 'dep',
          dep: 'u',
          k: Number.parseInt(u[1]!, 10),
          offset: t.offset,
          end: this.prevEnd(),
        };
      if (FACTOR_NAMES.includes(t.text)) {
        return {
          kind: 'factor',
          factor: {
            variable: t.text as FactorVariable,
            constant: 0,
            sgn: false,
            offset: t.offset,
            length: t.text.length,
          },
          sign: 1,
          offset: t.offset,
          end: this.prevEnd(),
        };
      }
      this.fail(t, `unknown symbol '${t.text}'`, ALLOWED_FACTOR);
    }
    this.fail(t, `expected a factor, found ${this.describe(t)}`, ALLOWED_FACTOR);
  }

  private prevEnd(): number {
    const t = this.toks[this.pos - 1]!;
    return t.offset + t.text.length;
  }

  /** A bracket term: [±] atom [(±) atom] where the atoms are one variable and one literal (either order). */
  private readSignedAtom(): { sign: number; variable?: string; lit?: Lit; tok: Tok } {
    let sign = 1;
    if (this.peek().kind === '+' || this.peek().kind === '-') sign = this.next().kind === '-' ? -1 : 1;
    const t = this.peek();
    if (t.kind === 'num') {
      let lit = this.parseNumberLiteral();
      // n*2^e inside a bracket is one literal (Lava's regex [±]n*2^[±]e).
      if (this.peek().kind === '*' && this.peek(1).kind === 'num') {
        this.next();
        const p = this.parseNumberLiteral();
        lit = { m: lit.m * p.m, e: lit.e + p.e };
      }
      return { sign, lit, tok: t };
    }
    if (t.kind === 'ident' && (FACTOR_NAMES.includes(t.text) || t.text === 'x0' || t.text === 'y0')) {
      this.next();
      return { sign, variable: t.text, tok: t };
    }
    this.fail(t, `expected a variable or a constant inside the bracket, found ${this.describe(t)}`, [
      ...FACTOR_NAMES,
      'x0',
      'y0',
      'integer',
      '2^e',
    ]);
  }

  private parseBracket(isSgn: boolean): Item {
    const open = this.next(); // '('
    const a = this.readSignedAtom();
    let b: ReturnType<Parser['readSignedAtom']> | null = null;
    if (this.peek().kind === '+' || this.peek().kind === '-') b = this.readSignedAtom();
    const close = this.peek();
    if (close.kind !== ')') {
      this.fail(
        close,
        close.kind === 'end'
          ? `missing ')' for the bracket opened at offset ${open.offset}`
          : `a bracket holds one variable and at most one constant, (v ± C); found ${this.describe(close)}`,
        [')'],
      );
    }
    this.next();
    const offset = open.offset;
    const end = this.prevEnd();
    const atoms = b ? [a, b] : [a];
    const vars = atoms.filter((x) => x.variable !== undefined);
    const lits = atoms.filter((x) => x.lit !== undefined);
    if (vars.length > 1 || lits.length > 1) {
      this.fail(atoms[1]!.tok, `a bracket holds one variable and at most one constant, (v ± C)`, [
        '(v ± C)',
        '(C)',
      ]);
    }
    const litValue = lits.length ? lits[0]!.sign * lits[0]!.lit!.m * 2 ** lits[0]!.lit!.e : 0;
    if (vars.length === 0) {
      if (isSgn) this.fail(open, `sgn(…) needs one of w, d, t`, ['sgn(w)', 'sgn(d)', 'sgn(t)']);
      // (C): a signed literal, folded into the scale.
      const l = lits[0]!;
      return { kind: 'lit', lit: { m: l.sign * l.lit!.m, e: l.lit!.e }, offset, end };
    }
    const v = vars[0]!;
    if (isSgn) {
      if (!(SYNAPTIC as readonly string[]).includes(v.variable!)) {
        this.fail(v.tok, `sgn(…) can only be applied to w, d or t`, ['w', 'd', 't']);
      }
      if (v.sign < 0)
        this.fail(v.tok, `the variable in sgn(…) cannot be negative`, ['sgn(v + C)', 'sgn(v - C)']);
    }
    // Lava: (−v + C) = −(v − C): the sign moves into the product's scale.
    return {
      kind: 'factor',
      factor: {
        variable: v.variable as FactorVariable,
        constant: v.sign * litValue,
        sgn: isSgn,
        offset,
        length: end - offset,
      },
      sign: v.sign,
      offset,
      end,
    };
  }
}

type Item =
  | { kind: 'lit'; lit: Lit; offset: number; end: number }
  | { kind: 'dep'; dep: 'x0' | 'y0' | 'u'; k?: number; offset: number; end: number }
  | { kind: 'factor'; factor: RuleFactor; sign: number; offset: number; end: number };

/**
 * Parses a rule. `text` is either the right-hand side (then `target` names the left, default dw)
 * or a whole assignment `dw = x0*y1` / `dw = "x0*y1"`. Offsets in errors are offsets in `text`.
 */
export function parseLearningRule(text: string, target?: RuleTarget): ParseResult {
  try {
    return { ok: true, rule: parseOrThrow(text, target) };
  } catch (e) {
    if (e instanceof RuleSyntaxError) return { ok: false, errors: [e.info] };
    throw e;
  }
}

function parseOrThrow(text: string, targetGiven?: RuleTarget): LearningRuleAst {
  let from = 0;
  let to = text.length;
  let target: RuleTarget = targetGiven ?? 'dw';
  const assign = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(text);
  if (assign) {
    const name = assign[1]!;
    const at = text.indexOf(name);
    if (!(RULE_TARGETS as readonly string[]).includes(name)) {
      throw new RuleSyntaxError({
        offset: at,
        length: name.length,
        message: `unknown rule target '${name}'`,
        allowed: [...RULE_TARGETS],
      });
    }
    target = name as RuleTarget;
    from = assign[0].length;
  }
  // Optional quotes around the right-hand side, as in Lava's Python call dw="…".
  const q1 = text.indexOf('"', from);
  if (q1 >= 0) {
    if (text.slice(from, q1).trim() !== '') {
      throw new RuleSyntaxError({ offset: q1, length: 1, message: `unexpected '"'`, allowed: ['a factor'] });
    }
    const q2 = text.indexOf('"', q1 + 1);
    if (q2 < 0) {
      throw new RuleSyntaxError({ offset: q1, length: 1, message: `missing closing '"'`, allowed: ['"'] });
    }
    if (text.slice(q2 + 1).trim() !== '') {
      throw new RuleSyntaxError({
        offset: q2 + 1,
        length: to - q2 - 1,
        message: `text after the closing '"'`,
        allowed: [],
      });
    }
    from = q1 + 1;
    to = q2;
  }
  const toks = tokenize(text, from, to);
  if (toks.length === 1) {
    throw new RuleSyntaxError({
      offset: from,
      length: 0,
      message: 'empty rule',
      allowed: ['a sum of products'],
    });
  }
  const parser = new Parser(toks);
  const raw = parser.parseSum();
  const products: RuleProduct[] = [];
  const traces = new Set<'x1' | 'x2' | 'y1' | 'y2' | 'y3'>();
  let decimate: number | undefined;
  let decimateAt = -1;
  for (const p of raw) {
    let mantissa = p.sign;
    let exponent = 0;
    let dependency: Dependency | undefined;
    let k: number | undefined;
    const factors: RuleFactor[] = [];
    const end = p.items[p.items.length - 1]!.end;
    for (const it of p.items) {
      if (it.kind === 'lit') {
        mantissa *= it.lit.m;
        exponent += it.lit.e;
      } else if (it.kind === 'dep') {
        if (it.dep === 'u') {
          if (dependency !== undefined) {
            throw new RuleSyntaxError({
              offset: it.offset,
              length: it.end - it.offset,
              message: `u${it.k} must be the product's dependency (its first x0, y0 or u<k>)`,
              allowed: ['x0', 'y0', ...FACTOR_NAMES],
            });
          }
          if (decimate !== undefined && decimate !== it.k) {
            throw new RuleSyntaxError({
              offset: it.offset,
              length: it.end - it.offset,
              message: `all u<k> terms must share one k (found u${decimate} at offset ${decimateAt} and u${it.k})`,
              allowed: [`u${decimate}`],
            });
          }
          decimate = it.k;
          decimateAt = it.offset;
          dependency = 'u';
          k = it.k;
        } else if (dependency === undefined) {
          dependency = it.dep;
        } else {
          factors.push({
            variable: it.dep,
            constant: 0,
            sgn: false,
            offset: it.offset,
            length: it.end - it.offset,
          });
        }
      } else {
        mantissa *= it.sign;
        factors.push(it.factor);
        const v = it.factor.variable;
        if ((TRACE_NAMES as readonly string[]).includes(v)) traces.add(v as 'x1');
      }
    }
    if (dependency === undefined) {
      throw new RuleSyntaxError({
        offset: p.start,
        length: end - p.start,
        message: 'this product has no dependency: every product needs x0, y0 or u<k> (when it applies)',
        allowed: ['x0', 'y0', 'u<k>'],
      });
    }
    // Lava's normalisation (product_series.py): move factors of two from the mantissa to the
    // exponent while |m| > 7, then require −8 ≤ m < 8 and −7 ≤ e < 9.
    while (Math.abs(mantissa) > 7 && mantissa % 2 === 0 && exponent < 8) {
      mantissa /= 2;
      exponent += 1;
    }
    if (mantissa < -8 || mantissa >= 8 || mantissa === 0) {
      throw new RuleSyntaxError({
        offset: p.start,
        length: end - p.start,
        message:
          mantissa === 0
            ? 'the scale of this product is 0'
            : `the scale's mantissa ${mantissa} is not representable: Loihi stores a signed 4-bit mantissa (−8 ≤ m < 8) times 2^e`,
        allowed: ['m·2^e with −8 ≤ m < 8, −7 ≤ e < 9'],
      });
    }
    if (exponent < -7 || exponent >= 9) {
      throw new RuleSyntaxError({
        offset: p.start,
        length: end - p.start,
        message: `the scale's exponent ${exponent} is outside Loihi's range −7 ≤ e < 9 (use trace impulses or weight exponents for smaller rates)`,
        allowed: ['m·2^e with −8 ≤ m < 8, −7 ≤ e < 9'],
      });
    }
    const prod: RuleProduct = {
      dependency,
      mantissa,
      exponent,
      factors,
      offset: p.start,
      length: end - p.start,
    };
    if (k !== undefined) prod.decimateExponent = k;
    products.push(prod);
  }
  const rule: LearningRuleAst = { target, products, traces, source: text };
  if (decimate !== undefined) rule.decimateExponent = decimate;
  return rule;
}

/** Same as parseLearningRule but throws an Error that lists the errors with offsets. */
export function parseLearningRuleOrThrow(text: string, target?: RuleTarget): LearningRuleAst {
  const r = parseLearningRule(text, target);
  if (r.ok) return r.rule;
  throw new Error(
    r.errors.map((e) => `offset ${e.offset}: ${e.message} (allowed: ${e.allowed.join(', ')})`).join('; '),
  );
}

/** Scale of a product as a number. */
export function productScale(p: RuleProduct): number {
  return p.mantissa * 2 ** p.exponent;
}

// ---------------------------------------------------------------------------------------------
// Evaluation over a whole weight matrix.

/**
 * The state the rule reads for one nPre → nPost projection, at one step (learning epoch).
 * Synaptic arrays are [post][pre] row-major (nPost × nPre).
 */
export interface RuleState {
  nPre: number;
  nPost: number;
  /** Spikes this step (0/1): x0 per pre neuron, y0 per post neuron. */
  x0: Uint8Array;
  y0: Uint8Array;
  x1: Float32Array;
  x2: Float32Array;
  y1: Float32Array;
  y2: Float32Array;
  y3: Float32Array;
  w: Float32Array;
  /** Delay and tag per synapse (zeros if the rule does not use them). */
  d: Float32Array;
  t: Float32Array;
  /** The step index (for u<k> dependencies: active when step mod 2^k = 0). */
  step: number;
}

function factorValue(f: RuleFactor, s: RuleState, j: number, i: number): number {
  let v: number;
  switch (f.variable) {
    case 'x0':
      v = s.x0[i]!;
      break;
    case 'y0':
      v = s.y0[j]!;
      break;
    case 'x1':
      v = s.x1[i]!;
      break;
    case 'x2':
      v = s.x2[i]!;
      break;
    case 'y1':
      v = s.y1[j]!;
      break;
    case 'y2':
      v = s.y2[j]!;
      break;
    case 'y3':
      v = s.y3[j]!;
      break;
    case 'w':
      v = s.w[j * s.nPre + i]!;
      break;
    case 'd':
      v = s.d[j * s.nPre + i]!;
      break;
    case 't':
      v = s.t[j * s.nPre + i]!;
      break;
    case 'C':
      return f.constant;
  }
  v += f.constant;
  return f.sgn ? Math.sign(v) : v;
}

function productAt(p: RuleProduct, s: RuleState, j: number, i: number): number {
  let v = 1;
  for (const f of p.factors) v *= factorValue(f, s, j, i);
  return v;
}

/**
 * Adds the rule's change for every synapse to `out` (nPost × nPre): out_ji += Σ_products
 * scale · [dependency active] · Π factors. Products conditioned on x0 visit only the columns of
 * the pre neurons that spiked, y0 only the rows of the post neurons that spiked.
 */
export function evaluateRule(rule: LearningRuleAst, s: RuleState, out: Float32Array): void {
  const { nPre, nPost } = s;
  for (const p of rule.products) {
    const scale = productScale(p);
    if (p.dependency === 'x0') {
      for (let i = 0; i < nPre; i++) {
        if (s.x0[i] === 0) continue;
        for (let j = 0; j < nPost; j++) out[j * nPre + i]! += scale * productAt(p, s, j, i);
      }
    } else if (p.dependency === 'y0') {
      for (let j = 0; j < nPost; j++) {
        if (s.y0[j] === 0) continue;
        const row = j * nPre;
        for (let i = 0; i < nPre; i++) out[row + i]! += scale * productAt(p, s, j, i);
      }
    } else {
      const period = 2 ** (p.decimateExponent ?? 0);
      if (s.step % period !== 0) continue;
      for (let j = 0; j < nPost; j++) {
        const row = j * nPre;
        for (let i = 0; i < nPre; i++) out[row + i]! += scale * productAt(p, s, j, i);
      }
    }
  }
}

/** Impulse added at a spike and decay time constant (in steps) of one trace, as Lava's x1_impulse / x1_tau. */
export interface TraceConfig {
  impulse: number;
  /** Time constant in steps (decay exp(−1/tau) per step); 0 = no memory: only this step's impulse (Lava). */
  tau: number;
}

export interface OnChipRuleConfig {
  dw?: string;
  dd?: string;
  dt?: string;
  x1?: TraceConfig;
  x2?: TraceConfig;
  y1?: TraceConfig;
  y2?: TraceConfig;
  y3?: TraceConfig;
  /** Weight bounds applied after each update (Loihi clips to the weight's bit width). */
  wMin?: number;
  wMax?: number;
}

const NO_TRACE: TraceConfig = { impulse: 0, tau: 0 };

/**
 * A learning engine for one projection: keeps the traces, evaluates dw (and dd, dt) each step and
 * applies them. Step order as Lava's float model with t_epoch = 1 (connection.py,
 * _compute_trace_histories: decay, then impulses; the rule reads the traces at the spike's step)
 * and as PairStdp: decay, add this step's impulses, evaluate, apply.
 */
export class OnChipRule {
  readonly state: RuleState;
  readonly rules: Partial<Record<RuleTarget, LearningRuleAst>> = {};
  private readonly decays: Float64Array;
  private readonly impulses: Float64Array;
  private readonly dw: Float32Array;
  private readonly dd: Float32Array;
  private readonly dtag: Float32Array;
  private readonly wMin: number;
  private readonly wMax: number;

  constructor(nPre: number, nPost: number, w: Float32Array, cfg: OnChipRuleConfig) {
    if (w.length !== nPre * nPost)
      throw new RangeError(`OnChipRule: w has ${w.length} values, expected ${nPre * nPost}`);
    for (const target of RULE_TARGETS) {
      const text = cfg[target];
      if (text !== undefined) this.rules[target] = parseLearningRuleOrThrow(text, target);
    }
    if (Object.keys(this.rules).length === 0) throw new Error('OnChipRule: no rule given (dw, dd or dt)');
    const ks = new Set(
      Object.values(this.rules)
        .map((r) => r.decimateExponent)
        .filter((k) => k !== undefined),
    );
    if (ks.size > 1) throw new Error('OnChipRule: dw, dd and dt must share one u<k> decimation exponent');
    const n = nPre * nPost;
    this.state = {
      nPre,
      nPost,
      x0: new Uint8Array(nPre),
      y0: new Uint8Array(nPost),
      x1: new Float32Array(nPre),
      x2: new Float32Array(nPre),
      y1: new Float32Array(nPost),
      y2: new Float32Array(nPost),
      y3: new Float32Array(nPost),
      w,
      d: new Float32Array(n),
      t: new Float32Array(n),
      step: 0,
    };
    const traces = [cfg.x1, cfg.x2, cfg.y1, cfg.y2, cfg.y3].map((c) => c ?? NO_TRACE);
    for (const c of traces) {
      if (c.impulse < 0 || c.tau < 0)
        throw new RangeError('OnChipRule: trace impulses and taus must be >= 0 (Lava)');
    }
    // Lava's float model decays by exp(−1/tau) per step; a trace with tau = 0 is not carried over
    // (connection.py fills its history with 0 and decays only the taus != 0), so it holds only
    // this step's impulse.
    this.decays = Float64Array.from(traces, (c) => (c.tau > 0 ? Math.exp(-1 / c.tau) : 0));
    this.impulses = Float64Array.from(traces, (c) => c.impulse);
    this.dw = new Float32Array(n);
    this.dd = new Float32Array(n);
    this.dtag = new Float32Array(n);
    this.wMin = cfg.wMin ?? -Infinity;
    this.wMax = cfg.wMax ?? Infinity;
  }

  /** One step with this step's spikes; updates w (and d, t) in place. */
  step(pre: Uint8Array, post: Uint8Array): void {
    const s = this.state;
    const pres = [s.x1, s.x2];
    const posts = [s.y1, s.y2, s.y3];
    for (let k = 0; k < 2; k++) {
      const a = pres[k]!;
      const dk = this.decays[k]!;
      for (let i = 0; i < s.nPre; i++) a[i]! *= dk;
    }
    for (let k = 0; k < 3; k++) {
      const a = posts[k]!;
      const dk = this.decays[k + 2]!;
      for (let j = 0; j < s.nPost; j++) a[j]! *= dk;
    }
    for (let k = 0; k < 2; k++) {
      const a = pres[k]!;
      const imp = this.impulses[k]!;
      for (let i = 0; i < s.nPre; i++) if (pre[i] !== 0) a[i]! += imp;
    }
    for (let k = 0; k < 3; k++) {
      const a = posts[k]!;
      const imp = this.impulses[k + 2]!;
      for (let j = 0; j < s.nPost; j++) if (post[j] !== 0) a[j]! += imp;
    }
    s.x0.set(pre);
    s.y0.set(post);
    const { dw, dd, dtag } = this;
    if (this.rules.dw) {
      dw.fill(0);
      evaluateRule(this.rules.dw, s, dw);
    }
    if (this.rules.dd) {
      dd.fill(0);
      evaluateRule(this.rules.dd, s, dd);
    }
    if (this.rules.dt) {
      dtag.fill(0);
      evaluateRule(this.rules.dt, s, dtag);
    }
    // All three are evaluated on the old values, then applied (Lava updates synaptic variables
    // together at the end of the learning epoch).
    if (this.rules.dw) {
      const w = s.w;
      for (let q = 0; q < w.length; q++) {
        if (dw[q] !== 0) w[q] = Math.min(this.wMax, Math.max(this.wMin, w[q]! + dw[q]!));
      }
    }
    if (this.rules.dd) for (let q = 0; q < dd.length; q++) s.d[q]! += dd[q]!;
    if (this.rules.dt) for (let q = 0; q < dtag.length; q++) s.t[q]! += dtag[q]!;
    s.step++;
  }
}
