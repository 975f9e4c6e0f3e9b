/**
 * Control flow: `if` (with `let` conditions and chains), `match`, loops, `?` and `return`. Arms become branch
 * nodes whose arms are lowered in their own scopes; which arms handle a failed call (`Err`, `is_err()`) and
 * whether the code checks for an unknown call outcome are recorded for the rules about failed calls.
 */
import type { Node, Val } from '../../model/ir';
import type { Ex, LowerContext } from './lower-context';
import { patternTypes, typeTextOf } from './receiver-types';
import { armVariantNames } from './enum-variants';
import { UNKNOWN_OUTCOME } from './state-methods';
import { armFieldKeys } from './key-aliases';
import { field, namedKids, patternNames, simpleKey, type SyntaxNode } from './syntax';
import { towerOf, type TowerVal } from './tower-services';
import { empty, union } from './val';

interface Condition {
  val: Val;
  /** Names bound by `let` patterns of the condition, in scope in the consequence. */
  names: string[];
  patterns: string[];
  /** Types of the names `let` patterns bind, when the matched value's type is written down. */
  types?: Map<string, string>;
}

/** Nodes of an arm, lowered in their own scope, with `names` bound to `val` first. */
function lowerArm(
  cx: LowerContext,
  node: SyntaxNode | null,
  names: string[],
  val: Val,
  at: SyntaxNode,
  types?: Map<string, string>,
  tail?: (ex: Ex) => void,
): Node[] {
  const nodes: Node[] = [];
  cx.scopes.within(() => {
    for (const n of names) {
      nodes.push({ kind: 'local', range: cx.range(at), name: cx.scopes.bindLocal(n), value: val });
    }
    types?.forEach((t, n) => cx.scopes.top().types.set(n, t));
    if (node) {
      const ex = cx.expr(node, nodes);
      tail?.(ex);
    }
  });
  return nodes;
}

/** The condition of `if`/`while`: plain, `let P = e`, or a `&&` chain of them. */
function lowerCondition(cx: LowerContext, cond: SyntaxNode, out: Node[]): Condition {
  if (cond.type === 'let_condition') {
    const valueNode = field(cond, 'value');
    const valueType = valueNode ? typeTextOf(cx, valueNode) : undefined;
    const val = valueNode ? cx.value(valueNode, out) : empty();
    const pattern = field(cond, 'pattern');
    const types = pattern ? patternTypes(cx, pattern, valueType) : undefined;
    return {
      val,
      names: patternNames(pattern),
      patterns: [pattern?.text ?? ''],
      ...(types?.size ? { types } : {}),
    };
  }
  if (cond.type === 'let_chain') {
    const parts = namedKids(cond).map((k) => lowerCondition(cx, k, out));
    return {
      val: union(empty(), ...parts.map((p) => p.val)),
      names: parts.flatMap((p) => p.names),
      patterns: parts.flatMap((p) => p.patterns),
      types: new Map(parts.flatMap((p) => [...(p.types ?? [])])),
    };
  }
  return { val: cx.value(cond, out), names: [], patterns: [] };
}

export function lowerIf(cx: LowerContext, node: SyntaxNode, out: Node[]): Ex {
  const condNode = field(node, 'condition');
  if (!condNode) return { val: empty() };
  const cond = lowerCondition(cx, condNode, out);
  const tails: (Ex | undefined)[] = [undefined, undefined];
  const consequenceNode = field(node, 'consequence');
  const consequence = lowerArm(cx, consequenceNode, cond.names, cond.val, condNode, cond.types, (ex) => {
    tails[0] = ex;
  });
  const elseClause = field(node, 'alternative');
  const elseBody = elseClause ? (namedKids(elseClause).find((k) => !k.isExtra) ?? null) : null;
  const alternative = elseClause
    ? lowerArm(cx, elseBody, [], empty(), elseClause, undefined, (ex) => {
        tails[1] = ex;
      })
    : [];
  const pat = cond.patterns.join(' ');
  const condText = cond.patterns.length ? pat : condNode.text;
  let failureArms: boolean[] | undefined;
  if (/^\s*(\w+::)*Err\b/.test(pat) || (!cond.patterns.length && /\.is_err\(\)/.test(condText)))
    failureArms = [true, false];
  else if (/^\s*(\w+::)*Ok\b/.test(pat) || (!cond.patterns.length && /\.is_ok\(\)/.test(condText)))
    failureArms = [false, true];
  out.push({
    kind: 'branch',
    range: cx.range(node),
    cond: cond.val,
    arms: elseClause ? [consequence, alternative] : [consequence],
    exhaustive: !!elseClause,
    ...(failureArms ? { failureArms: elseClause ? failureArms : failureArms.slice(0, 1) } : {}),
    ...(UNKNOWN_OUTCOME.test(condNode.text) ? { unknownOutcomeCheck: true } : {}),
  });
  const tower = elseBody ? chosenLayers(tails, [consequenceNode, elseBody]) : undefined;
  return { val: cond.val, ...(tower ? { future: { kind: 'tower', tower } } : {}) };
}

/**
 * `if retry { Some(RetryLayer::new(…)) } else { None }`: the layers one arm chooses, when the other chooses
 * none (or other known layers), so `option_layer` of the result keeps what is known of them.
 */
function chosenLayers(tails: (Ex | undefined)[], arms: (SyntaxNode | null)[]): TowerVal | undefined {
  const layers = tails.map((t, i) => {
    const tower = t ? towerOf(t) : undefined;
    if (tower?.kind === 'layers') return tower;
    return /^\{?\s*None\s*\}?$/.test(arms[i]?.text ?? '') ? null : undefined;
  });
  if (layers.some((l) => l === undefined)) return undefined;
  const known = layers.filter((l): l is Extract<TowerVal, { kind: 'layers' }> => !!l);
  if (!known.length) return undefined;
  return {
    kind: 'layers',
    builder: false,
    layers: { mayBypass: known.some((l) => l.layers.mayBypass), adds: known.some((l) => l.layers.adds) },
  };
}

export function lowerMatch(cx: LowerContext, node: SyntaxNode, out: Node[]): Ex {
  const scrutinee = field(node, 'value');
  const scrutineeType = scrutinee ? typeTextOf(cx, scrutinee) : undefined;
  const val = scrutinee ? cx.value(scrutinee, out) : empty();
  const simple = scrutinee ? simpleKey(scrutinee) : undefined;
  const scrutineeKey = simple && cx.scopes.resolveKey(simple);
  const body = field(node, 'body');
  const armsSyntax = body ? namedKids(body).filter((k) => k.type === 'match_arm') : [];
  const arms: Node[][] = [];
  const failureArms: boolean[] = [];
  const armVariants: (string[] | undefined)[] = [];
  let unknown = UNKNOWN_OUTCOME.test(scrutinee?.text ?? '');
  for (const a of armsSyntax) {
    const pattern = field(a, 'pattern');
    const guardCond = pattern ? field(pattern, 'condition') : null;
    // A `match_pattern` holds the pattern and, as field `condition`, the arm's `if` guard.
    const names = pattern
      ? pattern.children.flatMap((k, i) =>
          k && k.isNamed && pattern.fieldNameForChild(i) !== 'condition' ? patternNames(k) : [],
        )
      : [];
    const nodes = cx.scopes.within(() => {
      const ns: Node[] = [];
      for (const n of names) {
        ns.push({ kind: 'local', range: cx.range(a), name: cx.scopes.bindLocal(n), value: val });
      }
      if (pattern && scrutineeKey)
        for (const [n, key] of armFieldKeys(scrutineeKey, pattern)) cx.scopes.top().keys.set(n, key);
      if (pattern)
        patternTypes(cx, pattern, scrutineeType).forEach((t, n) => cx.scopes.top().types.set(n, t));
      if (guardCond) cx.value(guardCond, ns);
      const v = field(a, 'value');
      if (v) cx.expr(v, ns);
      return ns;
    });
    arms.push(nodes);
    failureArms.push(/^\s*(\w+::)*Err\b/.test(pattern?.text ?? ''));
    armVariants.push(pattern ? armVariantNames(pattern) : undefined);
    if (UNKNOWN_OUTCOME.test(pattern?.text ?? '')) unknown = true;
  }
  out.push({
    kind: 'branch',
    range: cx.range(node),
    cond: val,
    arms,
    exhaustive: true,
    ...(failureArms.some((f) => f) ? { failureArms } : {}),
    ...(unknown ? { unknownOutcomeCheck: true } : {}),
    ...(armVariants.some((v) => v) ? { armVariants } : {}),
  });
  return { val };
}

/** `while` (with its condition's bindings in the body), `for` (its pattern bound to the iterator) and `loop`. */
export function lowerLoop(cx: LowerContext, node: SyntaxNode, out: Node[]): void {
  const bodyNode = field(node, 'body');
  if (node.type === 'while_expression') {
    const condNode = field(node, 'condition');
    const cond = condNode ? lowerCondition(cx, condNode, out) : { val: empty(), names: [], patterns: [] };
    out.push({
      kind: 'loop',
      range: cx.range(node),
      cond: cond.val,
      body: lowerArm(cx, bodyNode, cond.names, cond.val, node),
    });
  } else if (node.type === 'for_expression') {
    const iter = field(node, 'value');
    const val = iter ? cx.value(iter, out) : empty();
    out.push({
      kind: 'loop',
      range: cx.range(node),
      body: lowerArm(cx, bodyNode, patternNames(field(node, 'pattern')), val, node),
    });
  } else {
    out.push({ kind: 'loop', range: cx.range(node), body: lowerArm(cx, bodyNode, [], empty(), node) });
  }
}

/** `e?` leaves the function when `e` fails; inside a closure or async block, only that closure. */
export function lowerTry(cx: LowerContext, node: SyntaxNode, out: Node[]): Ex {
  const inner = namedKids(node)[0];
  if (!inner) return { val: empty() };
  const ex = cx.expr(inner, out);
  const val = cx.valOf(ex, inner, out);
  if (cx.closureDepth === 0) out.push({ kind: 'exit', range: cx.range(node), how: 'propagate', cond: val });
  return { val, ...(ex.copy && !ex.ref ? { copy: ex.copy } : {}) };
}

/** Inside a closure or async block, `return` only leaves that closure. */
export function lowerReturn(cx: LowerContext, node: SyntaxNode, out: Node[]): void {
  const inner = namedKids(node)[0];
  const value = inner ? cx.value(inner, out) : empty();
  // `Err(e)`, also wrapped in a result type's variant (`MultiResult::Consistent(Err(e))`).
  const error = !!inner && /^(?:(?:\w+::)*[A-Z]\w*\s*\(\s*)?Err\s*\(/.test(inner.text);
  const ok = !!inner && wrapsSuccess(inner);
  if (cx.closureDepth === 0)
    out.push({
      kind: 'exit',
      range: cx.range(node),
      how: 'return',
      value,
      ...(error ? { error } : {}),
      ...(ok ? { ok } : {}),
    });
}

/** `Ok(…)` or `Some(…)`: a success value built here, not a result passed on. */
export function wrapsSuccess(expr: SyntaxNode): boolean {
  return /^(?:Ok|Some)\s*\(/.test(expr.text);
}

/**
 * Whether `expr` is the value `body` ends with: its block's last expression, through `match` arms and `if`/`else`
 * blocks that are themselves in that position (`match r { Err(e) => Err(…), … }` as the function's tail).
 */
export function isTailOf(expr: SyntaxNode, body: SyntaxNode): boolean {
  let node = expr;
  for (let p = node.parent; p; node = p, p = p.parent) {
    switch (p.type) {
      case 'block': {
        const kids = namedKids(p).filter((k) => !k.isExtra);
        if (kids[kids.length - 1]?.startIndex !== node.startIndex) return false;
        if (p.startIndex === body.startIndex && p.endIndex === body.endIndex) return true;
        break;
      }
      case 'expression_statement':
        if (p.text.trimEnd().endsWith(';')) return false;
        break;
      case 'match_arm':
        if (field(p, 'value')?.startIndex !== node.startIndex) return false;
        break;
      case 'match_block':
      case 'match_expression':
      case 'else_clause':
        break;
      case 'if_expression':
        if (field(p, 'condition')?.startIndex === node.startIndex) return false;
        break;
      default:
        return false;
    }
  }
  return false;
}
