/**
 * A call to a function of the workspace, replayed from its summary: the callee's state accesses (keyed by the
 * caller's arguments), its traps, and whether it reads the caller, so rules see them at the call site. What an
 * `async` callee does after its own commit point is deferred to the `.await` on its future.
 */
import type { CommitSummary } from '../../model/commit-paths';
import {
  forEachNode,
  type CalleeSite,
  type CommitKind,
  type Node,
  type ReadNode,
  type StatePath,
  type Val,
} from '../../model/ir';
import { classifyAwait, type Future } from './awaits';
import { displayName, type FnInfo } from './crate-index';
import { constantGuardKey, variantKey } from './guard-keys';
import { argFieldKey } from './key-aliases';
import type { GuardInfo } from './guards';
import { inlineClosure } from './lower-closures';
import type { Ex, LowerContext } from './lower-context';
import { resolveWorkspaceFn } from './resolve-fn';
import { rootNamed } from './root-names';
import { argVariant } from './enum-variants';
import { CALLER_KEY, sameStateOf, type FnSummary, type ParamAwait, type VariantOf } from './summaries';
import { copyStoredBack, noteWholeWrite, writeCopyBack } from './state-copies';
import type { ParamEntryOp } from './param-entries';
import { field, pathText, patternNames, simpleKey, stripWrappers, type SyntaxNode } from './syntax';
import { empty, union } from './val';

/** `receiverIsSelf`: a method call, whose receiver is the callee's parameter 0 and not among `args`. */
export function callWorkspaceFn(
  cx: LowerContext,
  node: SyntaxNode,
  fn: FnInfo,
  args: SyntaxNode[],
  out: Node[],
  written: string,
  receiverIsSelf: boolean,
  recv?: Val,
): Ex {
  const summary = cx.env.summaries.get(fn);
  const ownSummary = summary;
  (cx.facts.callees ??= []).push(fn);
  const offset = receiverIsSelf ? 1 : 0;
  const helper = summary?.closureHelper;
  const vals: Val[] = [];
  const awaited = summary?.paramAwait;
  const argKinds: CommitKind[] = [];
  const returnsFuture = fn.isAsync || /\bFuture\b/.test(fn.returnType);
  // What a future or closure the callee awaits does runs when the callee gets to it: after the callee's own
  // checks, at the `.await` on its future, not where the argument is written.
  const deferred: Node[] = [];
  const handed: { ref: NonNullable<Ex['ref']>; val: Val; entry?: ParamEntryOp }[] = [];
  // A map parameter the callee touches at one entry, keyed by another parameter: the key is that argument.
  const entryOf = (param: number) => summary?.paramEntries?.find((p) => p.param === param);
  const entryKey = (entry: ParamEntryOp | undefined) =>
    entry ? simpleKey(args[entry.keyParam - offset]) : undefined;
  const argValOf = (param: number): Val | undefined => vals[param - offset];
  const keyedRead = (ex: Ex, a: SyntaxNode, entry: ParamEntryOp | undefined): Val =>
    union(ex.val, cx.read(ex.ref!.state, a, out, entryKey(entry), ex.ref!.anchor));
  // Functions passed by name that the callee awaits, and this function's own parameters handed on to it.
  const passed: { fn: FnInfo; early: boolean }[] = [];
  const forwards: ParamAwait[] = [];
  args.forEach((a, i) => {
    if (awaited?.params.includes(i + offset)) {
      // An argument the callee awaits (a closure's future, a future, a function): its kind decides.
      const into = returnsFuture ? deferred : out;
      const ex = cx.expr(a, into);
      vals.push(cx.valOf(ex, a, into));
      const named = ex.future ? undefined : namedFnFuture(cx, a);
      if (named?.kind === 'local')
        passed.push({ fn: named.fn, early: !!awaited.early?.includes(i + offset) });
      if (ex.future?.kind === 'param')
        forwards.push({
          id: -1,
          index: ex.future.index,
          ifCommit: kindOf(awaited.ifCommit),
          ifNever: kindOf(awaited.ifNever),
          ...(awaited.early?.includes(i + offset) ? {} : { late: true as const }),
        });
      argKinds.push(classifyAwait(ex.future ?? named, a, cx.env.summaries).commit);
    } else if (helper && helper.paramIndex === i + offset && a.type === 'closure_expression') {
      vals.push(
        inlineClosure(cx, a, out, {
          ref: { state: helper.state, mutable: helper.mutable },
          via: displayName(fn),
        }).val,
      );
    } else if (
      returnsFuture &&
      (stripWrappers(a).type === 'closure_expression' || a.type === 'async_block')
    ) {
      // A closure that reaches a commit point can only run when the async callee awaits it; one the callee
      // calls only after a commit point of its own (`&move |id| record(id)`) runs after the `.await` on it.
      const body: Node[] = [];
      vals.push(cx.value(a, body));
      const late = commitsWithin(body) || !!summary?.paramsCalledLate?.includes(i + offset);
      (late ? deferred : out).push(...body);
    } else if (summary?.paramWrites?.includes(i + offset)) {
      // A state handle given for a `&mut` parameter the callee assigns through: that state is written here.
      const ex = cx.expr(a, out);
      const entry = entryOf(i + offset);
      const val = ex.ref ? keyedRead(ex, a, entry) : cx.valOf(ex, a, out);
      vals.push(val);
      if (ex.ref) handed.push({ ref: ex.ref, val, entry });
    } else if (entryOf(i + offset)) {
      // A state handle given for a map the callee reads one entry of: a read of that entry.
      const ex = cx.expr(a, out);
      vals.push(ex.ref ? keyedRead(ex, a, entryOf(i + offset)) : cx.valOf(ex, a, out));
    } else {
      const ex = cx.expr(a, out);
      // A state handle (`&s.notifications`) given to a callee that reaches that state through it: the callee's
      // replayed accesses (keyed where it reads one entry) are what happens to it, not a read of the whole.
      vals.push(ex.ref && reachedThrough(summary, ex.ref.state) ? ex.val : cx.valOf(ex, a, out));
    }
  });
  // What the callee writes through the handle depends on what else it is given (`delete(ids, &mut keys)`),
  // unless it only inserts or removes one entry keyed by an argument (`param-entries.ts`).
  for (const h of handed) {
    const keyArg = h.entry && argValOf(h.entry.keyParam);
    const key = entryKey(h.entry);
    if (h.entry && h.entry.op !== 'get' && keyArg && key !== undefined) {
      const value = union(empty(), ...(h.entry.valueParams ?? []).flatMap((p) => argValOf(p) ?? []));
      const mark = h.entry.op === 'remove' ? 'clear' : undefined;
      cx.write(h.ref.state, node, out, value, key, mark, h.ref.anchor, { keyVal: keyArg });
    } else cx.write(h.ref.state, node, out, union(h.val, ...vals), undefined, undefined, h.ref.anchor);
  }
  const keyOfArg = (param: number | undefined, path?: string): string | undefined => {
    if (param === undefined) return undefined;
    const arg = args[param - offset];
    const key = path ? argFieldKey(arg, path) : simpleKey(arg);
    return key && cx.scopes.resolveKey(key);
  };
  // A guard's key: a variant given directly or fixed by an enclosing `match` arm is a constant key too.
  const guardKeyOfArg = (param: number | undefined): string | undefined => {
    const key = keyOfArg(param);
    if (key) return constantGuardKey(node, key) ?? key;
    return param === undefined ? undefined : variantKey(args[param - offset]);
  };
  const argVals = [...vals];
  // A summarised write's value depends only on the arguments its body really uses (SPEC §5).
  const valueOfArgs = (params: number[] | undefined): Val =>
    union(empty(), ...(params ?? []).flatMap((p) => (argVals[p - offset] ? [argVals[p - offset]] : [])));
  const onLocalValue = rootsHandedAsLocalValue(cx, fn, args, offset);
  // The guards an async callee holds across its commit points: one scope each, for this call.
  const heldScopes = returnsFuture ? (ownSummary?.heldGuards ?? []).map(() => cx.id()) : [];
  // The replayed reads made before the callee's commit point: a copy it writes back after it carries them.
  const early: { state: StatePath; val: Val }[] = [];
  // The read whose value the callee returns, when it returns a whole copy of the state (`get_state()`).
  const copies: ReadNode[] = [];
  let copyEntry: string | undefined;
  // The callee's accesses (and trap) before or after its own first commit point; `of` another function's
  // summary (one passed by name that the callee awaits), whose arguments the callee gives, unknown here.
  const apply = (after: boolean, into: Node[], of?: FnInfo): Val[] => {
    const reads: Val[] = [];
    const checks: Val[] = [];
    const saved = cx.via;
    cx.via = saved ?? displayName(of ?? fn);
    const summary = of ? cx.env.summaries.get(of) : ownSummary;
    const keyOf = of ? () => undefined : keyOfArg;
    const valueOf = of ? () => empty() : valueOfArgs;
    const arms = of ? new VariantArms(cx, node, [], [], 0) : new VariantArms(cx, node, args, argVals, offset);
    // Each replayed node also says where it is in the callee, for findings to point at the cause.
    const markSite = (target: Node[], site: CalleeSite | undefined) => {
      const last = target[target.length - 1];
      if (site && (last?.kind === 'read' || last?.kind === 'write' || last?.kind === 'trap'))
        last.inCallee = site;
    };
    for (const access of summary?.accesses ?? []) {
      if (!!access.afterCommit !== after) continue;
      if (!of && onLocalValue.has(access.state.root)) continue;
      const target = arms.target(access.variant, into);
      if (!target) continue;
      const key = access.keyCaller ? CALLER_KEY : keyOf(access.keyParam, access.keyField);
      const scope = of || access.underGuard === undefined ? undefined : heldScopes[access.underGuard];
      if (access.write) {
        const stale = access.staleRead
          ? early.filter((r) => sameStateOf(r.state, access.state)).map((r) => r.val)
          : [];
        const value = union(valueOf(access.valueParams), ...stale);
        const keyArg = of || access.keyParam === undefined ? undefined : argVals[access.keyParam - offset];
        const write = (state: StatePath, restore: boolean) => {
          cx.write(state, node, target, value, key, access.mark, undefined, {
            ...(keyArg ? { keyVal: keyArg } : {}),
            ...(access.freshKey ? { freshKey: true } : {}),
            ...(access.generatedKey ? { generatedKey: true } : {}),
            ...(access.readsState ? { valueReadsState: true } : {}),
            // Made after a call the callee awaited returned: a record of that finished call, for the harm test.
            ...(access.fromCall || after ? { fromCall: true } : {}),
            ...(access.handled ? { handled: true } : {}),
            ...(access.step ? { step: true } : {}),
            ...(access.pruning ? { pruning: true } : {}),
            ...(access.resync ? { resync: true } : {}),
            ...(access.rechecked ? { rechecked: true } : {}),
            ...(access.staleAcross ? { staleCopy: access.staleAcross } : {}),
            ...(access.restore || restore ? { restore: true } : {}),
            ...(access.recordOf ? { recordOf: access.recordOf } : {}),
          });
          const last = target[target.length - 1];
          if (access.alts && last?.kind === 'write') last.alts = access.alts;
          if (scope !== undefined && last?.kind === 'write') last.underGuard = scope;
          markSite(target, access.site);
        };
        // `set_state(state)` with `state` a copy of what it stores to: only the touched fields change.
        const whole = of ? undefined : access.writesParam;
        const arg = whole ? args[whole.param - offset] : undefined;
        const back = whole && copyStoredBack(cx, arg, access.state, whole.entry);
        if (back) writeCopyBack(back.fields, access.state, write);
        else write(access.state, false);
        // Handed on from this function's own parameter: it stores that parameter whole too.
        if (whole && arg) noteWholeWrite(cx, target, arg, whole.entry);
        continue;
      } else {
        const read = cx.read(access.state, node, target, key);
        const last = target[target.length - 1];
        if (access.commitNext && last?.kind === 'read') last.commitNext = access.commitNext;
        if (access.checkedBefore && last?.kind === 'read') last.checkedBefore = access.checkedBefore;
        if (access.cursorPick && last?.kind === 'read') last.cursorPick = access.cursorPick;
        if (access.alts && last?.kind === 'read') last.alts = access.alts;
        reads.push(read);
        if (!after) early.push({ state: access.state, val: read });
        if (access.returned && !after && !of && last?.kind === 'read') {
          copies.push(last);
          copyEntry = access.returned.entry;
        }
        if (access.guard && !wholeStruct(cx, access.state)) checks.push(read);
      }
      const last = target[target.length - 1];
      if (scope !== undefined && (last?.kind === 'read' || last?.kind === 'write')) last.underGuard = scope;
      markSite(target, access.site);
    }
    cx.via = saved;
    arms.flush(into);
    // The callee's own checks: on them it may stop (an error) before it goes on, here as at its `return`.
    // A checked parameter is a check of whatever state the argument was read from.
    if (!after && !of)
      for (const p of summary?.guardParams ?? []) if (argVals[p - offset]) checks.push(argVals[p - offset]);
    if (checks.length) into.push(calleeCheck(cx, node, union(empty(), ...checks)));
    // The trap goes after the replayed writes: a summary does not say which of them it would skip.
    const trap = after ? summary?.trapAfterCommit : summary?.trap;
    const trapTarget = trap && arms.target(trap.variant, into);
    if (trapTarget) {
      // A helper that calls `trap` on what it is given (`unwrap_or_trap(r)`) traps on the caller's argument.
      const on = (trap.cause === 'trap' ? (trap.onParams ?? []) : []).flatMap((p) => {
        const v = p < offset ? recv : argVals[p - offset];
        return v ? [v] : [];
      });
      cx.trap(
        node,
        trapTarget,
        on.length ? 'unwrap-helper' : trap.cause,
        on.length ? { value: union(empty(), ...on) } : {},
      );
      markSite(trapTarget, { fn: trap.fn ?? displayName(of ?? fn), file: trap.file, range: trap.range });
    }
    arms.flush(into);
    return reads;
  };
  vals.push(...apply(false, out));
  heldScopes.forEach((scope, i) => {
    const held = ownSummary!.heldGuards![i];
    const key = held.keyCaller
      ? CALLER_KEY
      : held.keyParam === undefined
        ? held.key
        : guardKeyOfArg(held.keyParam);
    // Held only where the accesses it covers are (`scope`); a keyed guard whose key is not known here is left out.
    if (held.keyParam !== undefined && key === undefined) return;
    out.push({
      kind: 'guard',
      range: cx.range(node),
      typeName: held.typeName,
      droppedImmediately: false,
      lock: held.lock,
      ...(key ? { key } : {}),
      scope,
    });
  });
  // A function passed by name runs where the callee awaits it: before the callee's first commit point when
  // it is awaited first (its checks then guard the call site's await), else after it.
  for (const p of passed) if (p.early) vals.push(...apply(false, out, p.fn));
  const passedAfter = (into: Node[]): Val[] =>
    passed.flatMap((p) => [...(p.early ? [] : apply(false, into, p.fn)), ...apply(true, into, p.fn)]);
  // A helper that reads the caller reads it here, in this message.
  if (summary?.readsCaller) out.push({ kind: 'caller', range: cx.range(node) });
  const guard = cx.env.guards.get(fn);
  if (guard) lowerGuard(cx, node, guard, guardKeyOfArg(guard.keyParam), out);
  const val = union(empty(), ...vals);
  // What the callee does after its own commit point happens after the `.await` on it, in the caller.
  if (returnsFuture) {
    const withArgs = awaited ? commitsWithArgs(awaited, argKinds) : undefined;
    return {
      val,
      future: {
        kind: 'local',
        fn,
        callee: written,
        after: (into) => {
          into.push(...deferred);
          return union(empty(), ...passedAfter(into), ...apply(true, into));
        },
        ...(withArgs ? { withArgs } : {}),
        ...(forwards.length ? { forwards } : {}),
        ...otherCrate(cx, fn),
      },
    };
  }
  vals.push(...passedAfter(out), ...apply(true, out));
  const copy = copies.length === 1 ? { reads: copies, entry: copyEntry } : undefined;
  return {
    val: union(empty(), ...vals),
    ...(summary?.returnsCaller ? { caller: true } : {}),
    ...(copy ? { copy } : {}),
  };
}

/**
 * Where a summary entry limited to some variants of a parameter goes: nowhere when the argument is another
 * variant, straight into the caller's nodes when it is one of them or unknown, and into a `match`-like branch
 * on the caller's own local when it passes the value on (so the caller's summary keeps the limit).
 */
class VariantArms {
  private readonly pending = new Map<string, { cond: Val; names: string[]; nodes: Node[] }>();

  constructor(
    private readonly cx: LowerContext,
    private readonly node: SyntaxNode,
    private readonly args: SyntaxNode[],
    private readonly argVals: Val[],
    private readonly offset: number,
  ) {}

  target(variant: VariantOf | undefined, into: Node[]): Node[] | undefined {
    const arg = variant ? this.args[variant.param - this.offset] : undefined;
    if (!variant || !arg) return into;
    const given = argVariant(arg);
    if (!given) return into;
    if ('variant' in given) return variant.names.includes(given.variant) ? into : undefined;
    const key = `${given.local}:${variant.names.join('|')}`;
    let arm = this.pending.get(key);
    if (!arm) {
      arm = { cond: this.argVals[variant.param - this.offset], names: variant.names, nodes: [] };
      this.pending.set(key, arm);
    }
    return arm.nodes;
  }

  flush(into: Node[]): void {
    for (const arm of this.pending.values()) {
      into.push({
        kind: 'branch',
        range: this.cx.range(this.node),
        cond: arm.cond,
        arms: [arm.nodes, []],
        exhaustive: true,
        armVariants: [arm.names, undefined],
      });
    }
    this.pending.clear();
  }
}

/**
 * A read of a whole struct-typed root (`read_state(|s| s.method())`) says only that something in the state was
 * read: as a replayed check it would guard every field, so only field reads and scalar roots count as checks.
 */
function wholeStruct(cx: LowerContext, state: StatePath): boolean {
  if (state.field) return false;
  const type = cx.env.index.roots.get(state.root)?.innerType;
  return type !== undefined && cx.env.index.types.structFields.has(type);
}

function commitsWithin(nodes: Node[]): boolean {
  let found = false;
  forEachNode(nodes, (n) => {
    if (n.kind === 'await' && n.commit !== 'none') found = true;
  });
  return found;
}

/** A check inside a callee, replayed: the code after the call runs only when the check let the callee go on. */
export function calleeCheck(cx: LowerContext, node: SyntaxNode, cond: Val): Node {
  const range = cx.range(node);
  return {
    kind: 'branch',
    range,
    cond,
    arms: [[{ kind: 'exit', how: 'return', error: true, calleeCheck: true, range }]],
    exhaustive: false,
  };
}

/** A guard constructor call: where the guard lands (a named binding, `_`, a bare statement) decides its life. */
function lowerGuard(
  cx: LowerContext,
  node: SyntaxNode,
  guard: GuardInfo,
  key: string | undefined,
  out: Node[],
): void {
  // Walk up through `?`, `.unwrap()`, `.expect()` and parentheses to where the value lands.
  let n: SyntaxNode = node;
  for (let p = n.parent; p; p = n.parent) {
    if (p.type === 'try_expression' || p.type === 'parenthesized_expression') n = p;
    else if (
      p.type === 'field_expression' &&
      /^(unwrap|expect)$/.test(field(p, 'field')?.text ?? '') &&
      p.parent
    ) {
      n = p.parent;
    } else break;
  }
  const holder = n.parent;
  let binding: string | undefined;
  let dropped = false;
  if (holder?.type === 'let_declaration') {
    const pattern = field(holder, 'pattern');
    if (!pattern || pattern.text === '_') dropped = true;
    else binding = patternNames(pattern)[0];
  } else if (holder?.type === 'expression_statement') dropped = true;
  // Reported from the `let` of `let _guard = …` / `let _ = …`, else from the constructor call.
  out.push({
    kind: 'guard',
    range: cx.range(holder?.type === 'let_declaration' ? holder : node),
    typeName: guard.typeName,
    ...(binding ? { binding } : {}),
    droppedImmediately: dropped,
    lock: guard.lock,
    ...(key ? { key } : {}),
    ...(guard.dropMayTrap ? { dropMayTrap: guard.dropMayTrap } : {}),
  });
}

/** `run(transfer_impl)`: a workspace function passed by name stands for the future its call returns. */
function namedFnFuture(cx: LowerContext, arg: SyntaxNode): Future | undefined {
  if (arg.type !== 'identifier' && arg.type !== 'scoped_identifier') return undefined;
  if (cx.scopes.lookup(arg.text).local) return undefined;
  const fn = resolveWorkspaceFn(cx.env.index, cx.file, cx.fn, pathText(arg));
  return fn ? { kind: 'local', fn, callee: arg.text, ...otherCrate(cx, fn) } : undefined;
}

/** The await kind a summary's value stands for, when its parameter's future is handed on to it. */
function kindOf(summary: CommitSummary): CommitKind {
  return summary === 'must' ? 'commit' : summary === 'never' ? 'none' : 'maybe';
}

/** The callee's crate, when it is not the caller's: reasons name it. */
function otherCrate(cx: LowerContext, fn: FnInfo): { crate?: string } {
  const crate = fn.file.crateName;
  return crate && crate !== cx.file.crateName ? { crate } : {};
}

/** The callee's commits given its awaited arguments' kinds; unknown unless they agree or do not matter. */
function commitsWithArgs(
  awaited: NonNullable<FnSummary['paramAwait']>,
  kinds: CommitKind[],
): CommitSummary | undefined {
  if (kinds.length < awaited.params.length) return undefined;
  if (kinds.every((k) => k === 'commit')) return awaited.ifCommit;
  if (kinds.every((k) => k === 'none')) return awaited.ifNever;
  return awaited.ifCommit === awaited.ifNever ? awaited.ifCommit : 'unknown';
}

/**
 * The state roots whose type the callee takes by reference (`state: &mut State`) and that this call hands a
 * local value of that type (`apply(&mut replayed, …)`, a replay into a fresh copy): the callee reaches that root
 * only through the reference (borrowing the global again while a caller holds it would panic), so what it does
 * there changes the local value, not the canister's state. A root also handed as a state handle is kept.
 */
function rootsHandedAsLocalValue(
  cx: LowerContext,
  fn: FnInfo,
  args: SyntaxNode[],
  offset: number,
): Set<string> {
  const local = new Set<string>();
  const handle = new Set<string>();
  args.forEach((a, i) => {
    const m = /^&\s*(mut\s+)?([A-Za-z_][A-Za-z0-9_]*)$/.exec((fn.paramTypes[i + offset] ?? '').trim());
    const root = m ? cx.env.index.rootByType.get(m[2]) : undefined;
    if (!root) return;
    const inner = a.type === 'reference_expression' ? (field(a, 'value') ?? a) : a;
    const found = inner.type === 'identifier' ? cx.scopes.lookup(inner.text) : undefined;
    if (found?.local && !found.handle && !rootNamed(cx.env.index.rootsByName, cx.file, inner.text))
      local.add(root);
    else handle.add(root);
  });
  for (const root of handle) local.delete(root);
  return local;
}

/** The callee's summary accesses `state`: given a handle on it, the callee's own accesses stand for its use. */
function reachedThrough(summary: FnSummary | undefined, state: StatePath): boolean {
  return !!summary?.accesses.some((a) => sameStateOf(a.state, state));
}
