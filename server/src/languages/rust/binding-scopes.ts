/**
 * The scope table of one lowered function: which names are state handles, local futures or plain locals. Locals
 * get IR names unique per binding (shadowing `let x` becomes `x#2`) so dataflow never confuses two bindings.
 */
import type { StatePath } from '../../model/ir';
import type { Future } from './awaits';
import type { SyntaxNode } from './syntax';

/** A name bound to (a field of) a state root, such as `s` in `STATE.with(|s| …)` or `let s = X.borrow_mut()`. */
export interface StateRef {
  state: StatePath;
  mutable: boolean;
  /**
   * The state root as written where a `with*` closure bound this handle (`FEE` in `FEE.with_borrow_mut(|c| …)`):
   * accesses through it are reported from there, at the target the reader sees.
   */
  anchor?: SyntaxNode;
}

/** A local holding a whole copy of state (see `state-copies.ts`): its root, entry and binding statement. */
export interface LocalCopy {
  root: string;
  entry: string;
  stmt: SyntaxNode;
}

export interface Scope {
  handles: Map<string, StateRef>;
  futures: Map<string, Future>;
  /** Source name → IR name. */
  locals: Map<string, string>;
  /** Source name → its type as written or inferred (`Arc<Ledger>`), for method calls on it. */
  types: Map<string, string>;
  copies: Map<string, LocalCopy>;
  /**
   * A key a local or one of its fields stands for: `receiver` bound by `Event::Deposit { receiver, .. }` in a
   * `match` on `payload` is `payload.receiver`; `x.owner` of `let x = Account { owner: caller, .. }` is `caller`.
   */
  keys: Map<string, string>;
}

export interface Binding {
  handle?: StateRef;
  future?: Future;
  type?: string;
  copy?: LocalCopy;
  local: boolean;
  irName: string;
}

export class Scopes {
  private readonly stack: Scope[] = [];
  private readonly bindingCount = new Map<string, number>();

  push(): void {
    this.stack.push({
      handles: new Map(),
      futures: new Map(),
      locals: new Map(),
      types: new Map(),
      copies: new Map(),
      keys: new Map(),
    });
  }

  top(): Scope {
    return this.stack[this.stack.length - 1];
  }

  /** Runs `f` in a fresh innermost scope. */
  within<T>(f: () => T): T {
    this.push();
    try {
      return f();
    } finally {
      this.stack.pop();
    }
  }

  /** What `name` is bound to, innermost scope first; an unbound name is neither local nor a handle. */
  lookup(name: string): Binding {
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const s = this.stack[i];
      if (s.handles.has(name)) return { handle: s.handles.get(name), local: false, irName: name };
      const irName = s.locals.get(name) ?? name;
      const type = s.types.get(name);
      if (s.futures.has(name)) return { future: s.futures.get(name), local: true, irName, type };
      const copy = s.copies.get(name);
      if (s.locals.has(name)) return { local: true, irName, type, ...(copy ? { copy } : {}) };
    }
    return { local: false, irName: name };
  }

  /** Binds a local in the innermost scope; returns its IR name. */
  bindLocal(name: string): string {
    const n = (this.bindingCount.get(name) ?? 0) + 1;
    this.bindingCount.set(name, n);
    const irName = n === 1 ? name : `${name}#${n}`;
    this.top().handles.delete(name);
    this.top().futures.delete(name);
    this.top().types.delete(name);
    this.top().copies.delete(name);
    for (const k of this.top().keys.keys())
      if (k === name || k.startsWith(`${name}.`)) this.top().keys.delete(k);
    this.top().locals.set(name, irName);
    return irName;
  }

  /**
   * The key `key` (`x` or `x.f.g`) stands for, through the aliases of the binding of its head: the longest
   * aliased prefix is replaced, a few times over (an alias may lead to another). Unaliased keys stay as written.
   */
  resolveKey(key: string): string {
    let out = key;
    for (let hop = 0; hop < 4; hop++) {
      const head = out.split('.')[0];
      const frame = this.frameOf(head);
      if (!frame) return out;
      const parts = out.split('.');
      let replaced: string | undefined;
      for (let n = parts.length; n >= 1 && replaced === undefined; n--) {
        const alias = frame.keys.get(parts.slice(0, n).join('.'));
        if (alias !== undefined) replaced = [alias, ...parts.slice(n)].join('.');
      }
      if (replaced === undefined || replaced === out) return out;
      out = replaced;
    }
    return out;
  }

  /** The innermost scope that binds `name` (as a local or handle). */
  private frameOf(name: string): Scope | undefined {
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const s = this.stack[i];
      if (s.handles.has(name) || s.locals.has(name)) return s;
    }
    return undefined;
  }
}
