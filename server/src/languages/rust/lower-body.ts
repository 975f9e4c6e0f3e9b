/**
 * Lowers one Rust function body into the model's IR, in evaluation order: the nodes of sub-expressions first,
 * then the node that consumes them. This module binds the parameters and dispatches each expression to the
 * module of its concern; state handles (`STATE.with(|s| …)`, `let s = X.borrow_mut()`, `&mut State`
 * parameters) are tracked in the scope table so that a method on them becomes a read or a write with field and
 * key precision.
 */
import type { Node } from '../../model/ir';
import { MAX_NESTING, nestingNotice } from '../../model/limits';
import type { FnInfo } from './crate-index';
import { lowerAsyncBlock, lowerAwait } from './lower-awaits';
import { lowerCall } from './lower-calls';
import { inlineClosure } from './lower-closures';
import { LowerContext, type Ex } from './lower-context';
import { lowerIf, lowerLoop, lowerMatch, lowerReturn, lowerTry, wrapsSuccess } from './lower-control-flow';
import { lowerLet } from './lower-let';
import { lowerMacro } from './lower-macros';
import { lowerAssignment, lowerField, lowerIdentifier, lowerIndex, lowerScopedRoot } from './lower-state';
import type { FnFacts } from './summaries';
import { field, isHostOnlyAttribute, namedKids, type SyntaxNode } from './syntax';
import { empty, union } from './val';

/** Lowers the functions of one file (and the timer/spawn bodies they contain). */
export class BodyLowerer extends LowerContext {
  lowerFunction(fn: FnInfo): FnFacts {
    this.scopes.push();
    // Methods of the type a root holds (`impl State` for `RefCell<State>`): `self` is a handle on that root.
    const selfRoot = fn.typeName ? this.env.index.rootByType.get(fn.typeName) : undefined;
    fn.params.forEach((p, i) => {
      if (p === 'self' && selfRoot) {
        this.scopes.top().handles.set(p, {
          state: { root: selfRoot },
          mutable: /\bmut\b/.test(fn.paramTypes[i] ?? ''),
        });
        return;
      }
      const m = /^&\s*(mut\s+)?([A-Za-z_][A-Za-z0-9_]*)$/.exec(fn.paramTypes[i].trim());
      const root = m ? this.env.index.rootByType.get(m[2]) : undefined;
      const part = m && !root ? this.env.index.fieldByType.get(m[2]) : undefined;
      if (root) this.scopes.top().handles.set(p, { state: { root }, mutable: !!m![1] });
      else if (part) this.scopes.top().handles.set(p, { state: part, mutable: !!m![1] });
      else {
        this.scopes.bindLocal(p);
        // The parameter's declared type, for method calls on it (`ledger: &impl Ledger`).
        if (p !== 'self' && fn.paramTypes[i]) this.scopes.top().types.set(p, fn.paramTypes[i]);
        // Awaiting it (or what calling it returns) awaits the caller's argument.
        if (p !== 'self') this.scopes.top().futures.set(p, { kind: 'param', index: i, name: p });
      }
    });
    for (const name of fn.paramNames)
      if (!this.scopes.top().handles.has(name) && !this.scopes.top().locals.has(name))
        this.scopes.bindLocal(name);
    const nodes: Node[] = [];
    const body = field(fn.node, 'body');
    const tail = body ? this.block(body, nodes) : undefined;
    // `fn transfer(..) -> impl Future { Call::bounded_wait(..).into_future() }` returns a call without awaiting it.
    if (tail?.future?.kind === 'api')
      this.facts.call ??= { api: tail.future.api.api, wait: tail.future.api.wait };
    if (tail?.future?.kind === 'local') this.facts.call ??= this.env.summaries.get(tail.future.fn)?.call;
    if (tail?.caller) this.facts.returnsCaller = true;
    // `fn get_state() -> State { STATE.with(|s| s.borrow().clone()) }`: every call returns a copy of the state.
    if (tail?.copy?.reads.length === 1 && !tail.ref && body && !returnsEarly(body))
      this.facts.returnsCopy = { read: tail.copy.reads[0], entry: tail.copy.entry };
    const tailExpr = body ? lastExpression(body) : undefined;
    if (tail && tailExpr) this.facts.tail = { val: tail.val, ok: wrapsSuccess(tailExpr) };
    if (tail?.future?.kind === 'tower') this.facts.tower = tail.future.tower;
    return {
      nodes,
      ...this.facts,
      ...(this.callerNames.length ? { callerNames: [...this.callerNames] } : {}),
    };
  }

  lowerDetached(node: SyntaxNode): Node[] {
    this.scopes.push();
    const nodes: Node[] = [];
    // The closure's or async block's own body: its `return` and `?` leave this entry point.
    let body = node.type === 'closure_expression' ? (field(node, 'body') ?? node) : node;
    if (body.type === 'async_block') body = namedKids(body).find((k) => k.type === 'block') ?? body;
    this.valOf(this.expr(body, nodes), body, nodes);
    return nodes;
  }

  nested(name: string, fn: FnInfo | undefined, annotate: boolean): LowerContext {
    const inner = new BodyLowerer(this.env, this.file, this.out, name, fn, annotate);
    inner.depth = this.depth; // it runs on the same stack
    return inner;
  }

  block(block: SyntaxNode, out: Node[]): Ex {
    return this.nest(block, () => this.lowerBlock(block, out));
  }

  /** Every recursion of the lowering passes through `expr` or `block`, so the depth limit holds for all. */
  expr(node: SyntaxNode, out: Node[]): Ex {
    return this.nest(node, () => this.lowerExpr(node, out));
  }

  private nest(node: SyntaxNode, lower: () => Ex): Ex {
    if (this.depth >= MAX_NESTING) {
      this.out.notices?.push(nestingNotice(this.range(node)));
      return { val: empty() };
    }
    this.depth++;
    try {
      return lower();
    } finally {
      this.depth--;
    }
  }

  private lowerBlock(block: SyntaxNode, out: Node[]): Ex {
    return this.scopes.within(() => {
      let tail: Ex = { val: empty() };
      const stmts = namedKids(block).filter((k) => !k.isExtra);
      stmts.forEach((stmt, i) => {
        tail = { val: empty() };
        // A statement under `#[cfg(test)]` or `#[cfg(not(target_arch = "wasm32"))]` is not in the canister.
        if (i > 0 && isHostOnlyAttribute(stmts[i - 1])) return;
        if (stmt.type === 'let_declaration') lowerLet(this, stmt, out, stmts.slice(i + 1));
        else if (stmt.type === 'expression_statement') {
          const inner = namedKids(stmt)[0];
          if (inner) this.expr(inner, out);
        } else if (
          stmt.type.endsWith('_item') ||
          stmt.type === 'empty_statement' ||
          stmt.type.endsWith('_declaration')
        ) {
          // Nested items are indexed as functions of their own.
        } else tail = this.expr(stmt, out);
      });
      return tail;
    });
  }

  private lowerExpr(node: SyntaxNode, out: Node[]): Ex {
    switch (node.type) {
      case 'identifier':
      case 'self':
        return lowerIdentifier(this, node);
      case 'boolean_literal':
        return { val: empty(), bool: node.text === 'true' };
      case 'integer_literal':
      case 'float_literal':
      case 'string_literal':
      case 'raw_string_literal':
      case 'char_literal':
      case 'unit_expression':
      case 'line_comment':
      case 'block_comment':
        return { val: empty() };
      case 'parenthesized_expression':
      case 'reference_expression':
      case 'unary_expression':
      case 'type_cast_expression': {
        const inner = node.type === 'reference_expression' ? field(node, 'value') : namedKids(node)[0];
        return inner ? this.expr(inner, out) : { val: empty() };
      }
      case 'field_expression':
        return lowerField(this, node, out);
      case 'scoped_identifier':
        return lowerScopedRoot(this, node);
      case 'call_expression':
        return lowerCall(this, node, out);
      case 'await_expression':
        return lowerAwait(this, node, out);
      case 'try_expression':
        return lowerTry(this, node, out);
      case 'assignment_expression':
      case 'compound_assignment_expr':
        lowerAssignment(this, node, out);
        return { val: empty() };
      case 'index_expression':
        return lowerIndex(this, node, out);
      case 'if_expression':
        return lowerIf(this, node, out);
      case 'match_expression':
        return lowerMatch(this, node, out);
      case 'while_expression':
      case 'loop_expression':
      case 'for_expression':
        lowerLoop(this, node, out);
        return { val: empty() };
      case 'block': // already counted as this expression's level
        return this.lowerBlock(node, out);
      case 'unsafe_block': {
        const b = namedKids(node).find((k) => k.type === 'block');
        return b ? this.lowerBlock(b, out) : { val: empty() };
      }
      case 'async_block':
        return lowerAsyncBlock(this, node, out);
      case 'closure_expression':
        return inlineClosure(this, node, out, undefined);
      case 'return_expression':
        lowerReturn(this, node, out);
        return { val: empty() };
      case 'macro_invocation':
        return lowerMacro(this, node, out);
      default: {
        // Tuples, arrays, struct literals, binary operators, ranges…: the union of the parts, in order.
        const vals = namedKids(node)
          .filter((k) => !k.isExtra && !k.type.endsWith('type') && !k.type.endsWith('type_identifier'))
          .map((k) => (k.type === 'field_initializer' ? field(k, 'value') : k))
          .filter((k): k is SyntaxNode => !!k && k.type !== 'field_identifier')
          .map((k) => this.value(k, out));
        return { val: union(empty(), ...vals) };
      }
    }
  }
}

/**
 * A `return` of the function itself (not of a closure or async block in it): its result may be something else.
 * Nodes are compared by id: the binding hands out a new object for each `.parent`.
 */
function returnsEarly(body: SyntaxNode): boolean {
  return body.descendantsOfType('return_expression').some((r) => {
    for (let n = r?.parent; n && n.id !== body.id; n = n.parent)
      if (n.type === 'closure_expression' || n.type === 'async_block') return false;
    return true;
  });
}

/** The expression a block ends with (its value), if it ends with one. */
function lastExpression(block: SyntaxNode): SyntaxNode | undefined {
  const kids = namedKids(block).filter((k) => !k.isExtra);
  const last = kids[kids.length - 1];
  if (!last || last.type.endsWith('_declaration') || last.type.endsWith('_item')) return undefined;
  return last.type === 'expression_statement' ? namedKids(last)[0] : last;
}
