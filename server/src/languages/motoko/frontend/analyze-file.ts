/** One Motoko file → its `FileModel`: the actor's entry points and state, and every await's classification. */
import type * as A from '../ast';
import { walk } from '../ast';
import { awaitsOf } from '../parser';
import type { AwaitAnnotation, EntryKind, EntryPointIR, FileModel, Range } from '../../../model/ir';
import { failureNotice, noticesField } from '../../../model/limits';
import { AsyncStarSummaries } from './async-star';
import { classifyAwait } from './classify-await';
import { FileContext, type UnitEffects } from './context';
import type { FileInfo } from './files';
import { BodyLowerer } from './lower-body';
import { type ModuleContext, Scope, declareDec, declareDecs } from './scope';
import { stateRootOf } from './state';
import { boundNames, isNatType, unwrap } from './syntax';

const SYSTEM_KINDS: Record<string, EntryKind> = {
  preupgrade: 'pre-upgrade',
  postupgrade: 'post-upgrade',
  heartbeat: 'heartbeat',
  timer: 'timer',
  inspect: 'inspect',
  lowmemory: 'low-memory',
};

type ActorDec = A.ObjectDec | A.ClassDec;

export function findActor(program: A.Program): ActorDec | undefined {
  for (const d of program.decs) {
    const u = d.kind === 'ImportDec' ? d : unwrap(d);
    if ((u.kind === 'ObjectDec' || u.kind === 'ClassDec') && u.sort === 'actor') return u;
    if (u.kind === 'LetDec' && u.init) {
      const init = unwrap(u.init);
      if ((init.kind === 'ObjectDec' || init.kind === 'ClassDec') && init.sort === 'actor') return init;
    }
  }
  return undefined;
}

/** The entry kind of an actor field's function, or undefined for a private synchronous/`async*` helper. */
function entryKind(field: A.DecField, f: A.Func): EntryKind | undefined {
  if (field.visibility === 'system') return f.name ? SYSTEM_KINDS[f.name.name] : undefined;
  if (field.visibility === 'public') {
    if (f.sort === 'query') return 'query';
    if (f.sort === 'composite query') return 'composite-query';
    return 'update';
  }
  if (f.asyncKind === 'async' || f.sort !== 'local') return 'self-call';
  return undefined;
}

/** Caller names and the records that hold the caller, from `shared(msg)` / `shared({caller})`. */
function callerBindings(p: A.Pat | null): { names: string[]; records: string[] } {
  if (!p) return { names: [], records: [] };
  let pat = p;
  while (pat.kind === 'ParenPat' || pat.kind === 'AnnotPat')
    pat = pat.kind === 'ParenPat' ? pat.inner : pat.pattern;
  if (pat.kind === 'VarPat') return { names: [`${pat.name.name}.caller`], records: [pat.name.name] };
  if (pat.kind === 'RecordPat') {
    const names: string[] = [];
    for (const f of pat.fields) {
      if (f.name.name !== 'caller') continue;
      if (!f.pattern) names.push('caller');
      else names.push(...boundNames(f.pattern).map((b) => b.name));
    }
    return { names, records: [] };
  }
  return { names: [], records: [] };
}

/** What one actor field's previous lowering gave, used instead of lowering it again (lowering-reuse.ts). */
export interface KeptUnit {
  /** The entry point it is (absent for a helper or a field's initialiser). */
  entry?: EntryPointIR;
  /** The annotations of the awaits in it, by `rangeKey` of their range. */
  annotations: Map<string, AwaitAnnotation>;
}

/** The actor's fields as units of lowering: which to take from a previous lowering, and what each one gave. */
export interface UnitLowering {
  /** The actor's fields' extents, in order. */
  spans: { start: number; end: number }[];
  kept: Map<number, KeptUnit>;
  /** Filled by `analyzeFile`. */
  result?: {
    effects: Map<number, UnitEffects>;
    entries: Map<number, EntryPointIR>;
    annotations: Map<number, Map<string, AwaitAnnotation>>;
    /** A kept field's text was reached by another field's lowering after all (its result may differ). */
    keptReached: boolean;
  };
}

/** Where an await's annotation starts, as a key. */
export function rangeKey(range: Range): string {
  return `${range.start.line}:${range.start.character}`;
}

export function analyzeFile(file: FileInfo, modules: ModuleContext, units?: UnitLowering): FileModel {
  const summaries = new AsyncStarSummaries(modules);
  const ctx = new FileContext(file, modules, summaries);
  const unitEntries = new Map<number, EntryPointIR>();
  const model: FileModel = {
    file: file.path,
    language: 'motoko',
    canister: file.path,
    parseErrors: file.errors.map((e) => ({ range: file.lines.rangeAt(e.start, e.end), message: e.message })),
    entryPoints: [],
    awaits: [],
    stateDecls: [],
  };
  const fileScope = new Scope(undefined, { file, ctx: modules });
  declareDecs(file.program.decs, fileScope, file, modules);

  const actor = findActor(file.program);
  if (actor) {
    if (units) ctx.spans = units.spans;
    model.entryPoints = lowerActor(actor, fileScope, ctx, model, units?.kept, unitEntries);
  } else {
    // A module (or script) file: no entry points; its functions are lowered for their awaits.
    for (const d of file.program.decs) {
      if (d.kind === 'ImportDec') continue;
      const u = unwrap(d);
      if (u.kind === 'Func') ctx.queue(u.name?.name ?? '<anonymous>', u, fileScope);
      else new BodyLowerer(ctx, '<module>').exp(u, [], fileScope);
    }
  }
  drainPending(ctx);
  model.entryPoints.push(...ctx.timerEntries);
  // A function given to a timer is lowered as its own entry point here, on behalf of no field: a field whose
  // code it is must not be taken over from an earlier lowering (the marks of owner -1 tell it).
  ctx.owner = ctx.spans ? -1 : undefined;
  for (const [name, ref] of ctx.timerTargets) {
    const existing = model.entryPoints.findIndex((e) => e.name === name);
    // A copy: an entry point's IR may be kept for a later analysis (lowering-reuse.ts), and is never changed.
    if (existing >= 0) model.entryPoints[existing] = { ...model.entryPoints[existing], kind: 'timer' };
    else if (ref.file === file) {
      const scope = ref.scope.child();
      definePatterns(ref.func.params, scope);
      model.entryPoints.push({
        name,
        kind: 'timer',
        nameRange: ctx.range(ref.func.name ?? ref.func),
        range: ctx.range(ref.func),
        params: paramNames(ref.func),
        body: new BodyLowerer(ctx, name).lowerFunction(ref.func, scope),
      });
    }
  }
  ctx.owner = undefined;
  const keptAnnotations = collectMissedAwaits(file, fileScope, ctx, units?.kept);
  if (units) {
    const annotations = new Map<number, Map<string, AwaitAnnotation>>();
    for (const [node, a] of ctx.annotations) {
      const at = ctx.unitAt(node.start);
      if (at === undefined) continue;
      let m = annotations.get(at);
      if (!m) annotations.set(at, (m = new Map<string, AwaitAnnotation>()));
      m.set(rangeKey(a.range), a);
    }
    const touched = [...units.kept.keys()].some((i) => ctx.effects.get(i)?.touched);
    units.result = { effects: ctx.effects, entries: unitEntries, annotations, keptReached: touched };
  }
  model.awaits = [...ctx.annotations.values(), ...keptAnnotations].sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
  );
  const notices = [...ctx.notices].sort(([a], [b]) => a - b).map(([, n]) => n);
  return { ...model, ...noticesField(notices) };
}

function definePatterns(params: A.Pat[], scope: Scope): void {
  for (const p of params)
    for (const b of boundNames(p))
      scope.define(b.name, {
        kind: 'local',
        nat: isNatType(b.type),
        type: b.type,
        origin: { type: b.type, scope, exact: false },
      });
}

function paramNames(f: A.Func): string[] {
  return f.params.flatMap((p) => boundNames(p).map((b) => b.name));
}

function lowerActor(
  actor: ActorDec,
  fileScope: Scope,
  ctx: FileContext,
  model: FileModel,
  kept: Map<number, KeptUnit> | undefined,
  unitEntries: Map<number, EntryPointIR>,
): EntryPointIR[] {
  const scope = fileScope.child();
  if (actor.kind === 'ClassDec') definePatterns(actor.params, scope);
  for (const f of actor.fields) declareDec(f.dec, scope, ctx.file, ctx.modules, f);
  for (const f of actor.fields) {
    const root = stateRootOf(f, scope, ctx.text);
    if (!root) continue;
    // Keep where the value came from, so that calls of its methods resolve (`let w = Worker.Worker(…)`).
    const declared = scope.names.get(root.name);
    const origin = declared && declared.kind === 'local' ? declared.origin : undefined;
    scope.define(root.name, { kind: 'state', root, ...(origin ? { origin } : {}) });
    model.stateDecls.push({ root: root.name, range: ctx.range(f) });
  }

  // `actor class C() = self` / `actor A`: `self.f()` / `A.f()` is a call to this actor's own function.
  const selfName = actor.kind === 'ClassDec' ? actor.selfName : actor.name;
  if (selfName) {
    scope.define(selfName.name, {
      kind: 'module',
      name: selfName.name,
      members: () => scope,
      unresolvedReason: () => undefined,
      isSelf: true,
    });
  }

  const entries: EntryPointIR[] = [];
  for (const [i, field] of actor.fields.entries()) {
    const d = unwrapField(field.dec);
    ctx.owner = ctx.spans ? i : undefined;
    const keptUnit = kept?.get(i);
    if (keptUnit) {
      // Lowered by an earlier analysis from the same text, and nothing it depends on changed.
      if (d.kind === 'Func') ctx.lowered.add(d);
      if (keptUnit.entry) {
        entries.push(keptUnit.entry);
        unitEntries.set(i, keptUnit.entry);
      }
      continue;
    }
    if (d.kind === 'Func') {
      const kind = entryKind(field, d);
      const name = d.name?.name ?? '<anonymous>';
      if (!kind) {
        ctx.queue(name, d, scope);
        continue;
      }
      const inner = scope.child();
      const caller = callerBindings(d.callerPattern);
      if (d.callerPattern) definePatterns([d.callerPattern], inner);
      definePatterns(d.params, inner);
      ctx.lowered.add(d);
      let body;
      try {
        body = new BodyLowerer(ctx, name, caller.names, caller.records).lowerFunction(d, inner);
      } catch (err) {
        // Only this entry point is lost; the others are still analysed.
        const at = d.name ?? d;
        ctx.notice(at.start, failureNotice(ctx.range(at), `entry point \`${name}\``, err));
        continue;
      }
      const ep: EntryPointIR = {
        name,
        kind,
        nameRange: ctx.range(d.name ?? d),
        range: ctx.range(field),
        params: paramNames(d),
        body,
      };
      if (caller.names.length) ep.callerNames = caller.names;
      entries.push(ep);
      unitEntries.set(i, ep);
    } else if (d.kind !== 'TypeDec' && d.kind !== 'ImportDec') {
      // Field initialisers run at installation: lowered for timers, lambdas and annotations.
      // (Only the initialiser: the field's name is already bound in the actor scope.)
      const init = d.kind === 'VarDec' || d.kind === 'LetDec' ? d.init : d;
      if (init) new BodyLowerer(ctx, '<actor>').stmt(init, [], scope);
    }
  }
  ctx.owner = undefined;
  return entries;
}

function unwrapField(d: A.Dec): A.Dec {
  if (d.kind === 'LetDec' && d.init) {
    const init = unwrap(d.init);
    if (init.kind === 'Func' && init.name === null) {
      const pat = d.pattern.kind === 'AnnotPat' ? d.pattern.pattern : d.pattern;
      if (pat.kind === 'VarPat') return { ...init, name: pat.name };
    }
  }
  return d;
}

/** Lowers (for their annotations only) the bodies queued while lowering: private helpers, lambdas, classes. */
function drainPending(ctx: FileContext): void {
  for (let i = 0; i < ctx.pending.length && i < 10000; i++) {
    const p = ctx.pending[i];
    if (ctx.lowered.has(p.node)) continue;
    ctx.owner = p.owner;
    ctx.markLowered(p.node);
    const scope = p.scope.child();
    const lowerer = new BodyLowerer(ctx, p.name);
    lowerer.discardsIr = true;
    try {
      if (p.node.kind === 'Func') {
        if (p.node.callerPattern) definePatterns([p.node.callerPattern], scope);
        definePatterns(p.node.params, scope);
        lowerer.lowerFunction(p.node, scope);
      } else {
        lowerer.stmt(p.node.body, [], scope);
      }
    } catch (err) {
      ctx.notice(p.node.start, failureNotice(ctx.range(p.node), `\`${p.name}\``, err));
    }
  }
  ctx.owner = undefined;
}

/**
 * Any await the lowering did not reach (e.g. inside an unusual construct) is still classified. The awaits of a
 * kept field have their kept annotations, which are returned (the field is not walked).
 */
function collectMissedAwaits(
  file: FileInfo,
  fileScope: Scope,
  ctx: FileContext,
  kept: Map<number, KeptUnit> | undefined,
): AwaitAnnotation[] {
  const keptAnnotations: AwaitAnnotation[] = [];
  // Usually the lowering reached every await: then there is nothing to walk the tree for.
  const made = awaitsOf(file.program);
  if (!kept?.size && made?.every((a) => ctx.annotations.has(a))) return keptAnnotations;
  // Pre-order over the whole file; the enclosing functions are those whose extent still contains the node.
  const funcs: { name: string; end: number }[] = [];
  walk(file.program, (n) => {
    if (n === file.program) return true;
    while (funcs.length && n.start >= funcs[funcs.length - 1].end) funcs.pop();
    const unit = n.kind === 'DecField' && kept?.size ? ctx.unitAt(n.start) : undefined;
    const keptUnit = unit === undefined ? undefined : kept?.get(unit);
    if (keptUnit && unit !== undefined && ctx.spans?.[unit].start === n.start) {
      keptAnnotations.push(...keptUnit.annotations.values());
      return false;
    }
    if (n.kind === 'Await' && !ctx.annotations.has(n)) {
      const cls = classifyAwait(n, fileScope, file.text, ctx.summaries);
      ctx.annotations.set(n, {
        range: file.lines.rangeAt(n.start, n.start + n.op.length),
        keyword: n.op,
        commit: cls.commit,
        reason: cls.reason,
        functionName: funcs[funcs.length - 1]?.name ?? '<top>',
      });
    }
    if (n.kind === 'Func')
      funcs.push({ name: n.name?.name ?? funcs[funcs.length - 1]?.name ?? '<anonymous>', end: n.end });
    return true;
  });
  return keptAnnotations;
}
