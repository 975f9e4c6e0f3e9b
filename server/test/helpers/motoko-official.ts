/**
 * The official Motoko parser (npm `motoko`, the compiler compiled to JS) and a summary of its AST that can be
 * compared with ours: top-level declarations (and the fields of top-level actors/modules/classes), functions
 * (binding name, sort, line) and awaits (line, UTF-16 column, kind).
 */
import type * as A from '../../src/languages/motoko/ast';
import { forEachChild, walk } from '../../src/languages/motoko/ast';
import { LineIndex } from '../../src/text/positions';

type OfficialParse = (text: string) => unknown;

let officialParse: OfficialParse | undefined;

/** Loads `motoko` once and removes the process-wide `uncaughtException` handler it installs. */
export function loadOfficialParser(): OfficialParse {
  if (officialParse) return officialParse;
  const before = new Set(process.listeners('uncaughtException'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mo: unknown = require('motoko');
  for (const l of process.listeners('uncaughtException')) {
    if (!before.has(l)) process.removeListener('uncaughtException', l);
  }
  const fn = (mo as { parseMotoko?: unknown }).parseMotoko;
  if (typeof fn !== 'function') throw new Error('motoko.parseMotoko not found');
  officialParse = (text: string): unknown => (fn as (t: string) => unknown).call(mo, text);
  return officialParse;
}

/** What both parsers must agree on for a file. */
export interface Summary {
  decls: string[];
  funcs: string[];
  awaits: string[];
  /** Calls, assignments, control flow and other unambiguous expressions: kind and start (line:UTF-16 col). */
  nodes: string[];
}

/** Official node names compared in `Summary.nodes`, with our kinds. */
const NODE_KINDS: Record<string, string> = {
  CallE: 'Call',
  AssignE: 'Assign',
  IfE: 'If',
  SwitchE: 'Switch',
  TryE: 'Try',
  ThrowE: 'Throw',
  RetE: 'Return',
  WhileE: 'While',
  LoopE: 'Loop',
  ForE: 'For',
  IgnoreE: 'Ignore',
  DoOptE: 'DoOpt',
  BangE: 'Bang',
  TagE: 'Tag',
  OptE: 'Opt',
  ArrayE: 'Array',
  NotE: 'Not',
  ShowE: 'Show',
  ProjE: 'Proj',
  AndE: 'Logical',
  OrE: 'Logical',
  DebugE: 'Debug',
  AssertE: 'Assert',
};
const OUR_NODE_KINDS: ReadonlySet<string> = new Set([...Object.values(NODE_KINDS), 'UnaryAssign']);

interface ONode {
  name: string;
  args: unknown[];
  start?: [number, number];
}

function asNode(v: unknown): ONode | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const n = v as { name?: unknown; args?: unknown; start?: unknown };
  if (typeof n.name !== 'string') return undefined;
  const start = Array.isArray(n.start) && n.start.length === 2 ? (n.start as [number, number]) : undefined;
  return { name: n.name, args: Array.isArray(n.args) ? (n.args as unknown[]) : [], start };
}

function children(n: ONode): ONode[] {
  const out: ONode[] = [];
  const add = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(add);
    else {
      const c = asNode(v);
      if (c) out.push(c);
    }
  };
  n.args.forEach(add);
  return out;
}

function line(n: ONode): number {
  return n.start ? n.start[0] : -1;
}

/** The name bound by a `LetD` pattern when it is a plain variable (what `normalize_let` leaves). */
function oPatName(p: ONode | undefined): string {
  if (!p) return '';
  if (p.name === 'VarP') {
    const id = asNode(p.args[0]);
    return id && typeof id.args[0] === 'string' ? id.args[0] : '';
  }
  return '';
}

function oIdName(v: unknown): string {
  const id = asNode(v);
  return id && typeof id.args[0] === 'string' ? id.args[0] : '';
}

function oDecLine(d: ONode): string {
  switch (d.name) {
    case 'LetD':
      return `LetD ${oPatName(asNode(d.args[0]))} @${line(d)}`;
    case 'VarD':
    case 'TypD':
      return `${d.name} ${oIdName(d.args[0])} @${line(d)}`;
    case 'ClassD':
      return `ClassD ${oIdName(d.args.find((a) => asNode(a)?.name === 'ID'))} @${line(d)}`;
    default:
      return `ExpD @${line(d)}`;
  }
}

const SORTS: Record<string, string> = { Shared: 'shared', Query: 'query', Composite: 'composite query' };

function oSort(v: unknown): string {
  if (typeof v === 'string') return v === 'Local' ? 'local' : v;
  const n = asNode(v);
  return n ? (SORTS[n.name] ?? n.name) : '?';
}

/** Fields of the object body (`ObjBlockE`, `ClassD`) a top-level declaration declares, if any. */
function oObjFields(d: ONode): ONode[] {
  let target: ONode | undefined = d;
  for (let i = 0; i < 5 && target; i++) {
    if (target.name === 'ObjBlockE' || target.name === 'ClassD') {
      return children(target).filter((c) => c.name === 'DecField');
    }
    if (target.name === 'LetD') target = asNode(target.args[1]);
    else if (target.name === 'ExpD' || target.name === 'AwaitE') target = asNode(target.args[0]);
    else if (target.name === 'AsyncE') target = children(target).find((c) => c.name === 'ObjBlockE');
    else return [];
  }
  return [];
}

export function summarizeOfficial(ast: unknown, text: string): Summary {
  const idx = new LineIndex(text);
  const prog = asNode(ast);
  if (!prog) throw new Error('official AST has no root node');
  const decls: string[] = [];
  for (const d of children(prog)) {
    decls.push(oDecLine(d));
    for (const f of oObjFields(d)) {
      const dec = asNode(f.args[0]);
      const vis = typeof f.args[1] === 'string' ? f.args[1] : (asNode(f.args[1])?.name ?? '?');
      if (dec) decls.push(`  ${vis} ${oDecLine(dec)}`);
    }
  }
  const funcs: string[] = [];
  const awaits: string[] = [];
  const nodes: string[] = [];
  const visit = (n: ONode, parent: ONode | undefined): void => {
    const ours = NODE_KINDS[n.name];
    // `public func f() { … }` in an actor gets a synthetic `ignore (async { … } : async ())` at its body.
    const inner = asNode(n.args[0]);
    const synthetic =
      n.name === 'IgnoreE' &&
      (inner?.name === 'AsyncE' || inner?.name === 'AnnotE') &&
      String(inner.start) === String(n.start);
    if (ours && n.start && !synthetic)
      nodes.push(`${ours} @${n.start[0]}:${idx.utf16Column(n.start[0] - 1, n.start[1])}`);
    if (n.name === 'FuncE') {
      const boundName =
        parent?.name === 'LetD' && parent.args[1] === n ? oPatName(asNode(parent.args[0])) : '';
      const at = boundName ? line(parent!) : line(n);
      funcs.push(`func ${boundName || '<anon>'} ${oSort(n.args[1])} @${at}`);
    } else if (n.name === 'AwaitE' || n.name === 'AwaitE*' || n.name === 'AwaitE?') {
      const inner = asNode(n.args[0]);
      const synthetic = inner?.name === 'AsyncE' && children(inner).some((c) => c.name === 'ObjBlockE');
      if (!synthetic && n.start) {
        const col = idx.utf16Column(n.start[0] - 1, n.start[1]);
        const kind = n.name === 'AwaitE' ? 'await' : n.name === 'AwaitE*' ? 'await*' : 'await?';
        awaits.push(`${kind} @${n.start[0]}:${col}`);
      }
    }
    for (const c of rawChildren(n)) visit(c, n);
  };
  visit(prog, undefined);
  return { decls, funcs, awaits, nodes };
}

/** Child nodes keeping object identity with `args` (so `parent.args[1] === n` works). */
function rawChildren(n: ONode): ONode[] {
  const out: ONode[] = [];
  const add = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(add);
    else if (asNode(v)) {
      const raw = v as { args?: unknown };
      if (!Array.isArray(raw.args)) raw.args = [];
      out.push(v as ONode);
    }
  };
  n.args.forEach(add);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Our side

function patName(p: A.Pat): string {
  if (p.kind === 'VarPat') return p.name.name;
  if (p.kind === 'ParenPat') return patName(p.inner);
  if (p.kind === 'AnnotPat') return patName(p.pattern);
  return '';
}

function decLine(d: A.Dec, idx: LineIndex): string {
  const l = idx.positionAt(d.start).line + 1;
  switch (d.kind) {
    case 'ImportDec':
      return `LetD ${d.pattern.kind === 'VarPat' ? d.pattern.name.name : ''} @${l}`;
    case 'LetDec':
      return `LetD ${d.pattern.kind === 'AnnotPat' || d.pattern.kind === 'ParenPat' ? patName(d.pattern) : d.pattern.kind === 'VarPat' ? d.pattern.name.name : ''} @${l}`;
    case 'Func':
    case 'ObjectDec':
      return d.name ? `LetD ${d.name.name} @${l}` : `ExpD @${l}`;
    case 'ClassDec':
      return `ClassD ${d.name?.name ?? ''} @${l}`;
    case 'VarDec':
      return `VarD ${d.name.name} @${l}`;
    case 'TypeDec':
      return `TypD ${d.name.name} @${l}`;
    default:
      return `ExpD @${l}`;
  }
}

export function summarizeOurs(program: A.Program, text: string): Summary {
  const idx = new LineIndex(text);
  const decls: string[] = [];
  for (const d of program.decs) {
    decls.push(decLine(d, idx));
    if (d.kind === 'ObjectDec' || d.kind === 'ClassDec') {
      for (const f of d.fields) {
        const vis = f.visibility === 'public' ? 'Public' : f.visibility === 'system' ? 'System' : 'Private';
        decls.push(`  ${vis} ${decLine(f.dec, idx)}`);
      }
    }
  }
  const funcs: string[] = [];
  const awaits: string[] = [];
  const nodes: string[] = [];
  // Public functions of actors are shared even when declared without `shared`.
  const implicitlyShared = new Set<A.Func>();
  walk(program, (n) => {
    if (((n.kind === 'ObjectDec' || n.kind === 'ClassDec') && n.sort === 'actor') || n.kind === 'MixinDec') {
      for (const f of n.fields) {
        if (f.visibility !== 'public') continue;
        if (f.dec.kind === 'Func') implicitlyShared.add(f.dec);
        else if (f.dec.kind === 'LetDec' && f.dec.init?.kind === 'Func') implicitlyShared.add(f.dec.init);
      }
    }
  });
  const line = (o: number): number => idx.positionAt(o).line + 1;
  const visit = (n: A.Node): void => {
    if (OUR_NODE_KINDS.has(n.kind)) {
      const pos = idx.positionAt(n.start);
      nodes.push(`${n.kind === 'UnaryAssign' ? 'Assign' : n.kind} @${pos.line + 1}:${pos.character}`);
    }
    if (n.kind === 'LetDec' && n.pattern.kind === 'VarPat' && n.init?.kind === 'Func') {
      // `let f = func …` is reported under the binding's name and line, as the compiler does.
      const f = n.init;
      const sort = f.sort === 'local' && implicitlyShared.has(f) ? 'shared' : f.sort;
      funcs.push(`func ${n.pattern.name.name} ${sort} @${line(n.start)}`);
      forEachChild(f, visit);
      return;
    }
    if (n.kind === 'Func') {
      const sort = n.sort === 'local' && implicitlyShared.has(n) ? 'shared' : n.sort;
      funcs.push(`func ${n.name?.name ?? '<anon>'} ${sort} @${line(n.start)}`);
    } else if (n.kind === 'Await') {
      const pos = idx.positionAt(n.start);
      awaits.push(`${n.op} @${pos.line + 1}:${pos.character}`);
    }
    forEachChild(n, visit);
  };
  visit(program);
  return { decls, funcs, awaits, nodes };
}
