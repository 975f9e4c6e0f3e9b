/**
 * The fields of an actor as units of lowering, for reusing the lowering of the fields a keystroke did not reach
 * (lowering-reuse.ts): each field's text and position, the names it declares that other fields can reach, and
 * the identifiers it mentions. A field can only reach another through one of that field's names, so the names
 * a field mentions over-approximate what its lowering reads (a word in a comment or string only adds a
 * dependency that is not there).
 */
import type * as A from '../ast';
import { walk } from '../ast';
import type { FileInfo } from './files';
import { assignedFieldsIn } from './lower-state';
import { boundNames } from './syntax';

export interface ActorUnit {
  start: number;
  end: number;
  /** The field's text with its line and column: the same key means the same code at the same positions. */
  key: string;
  /** Names other fields reach it by: its own, and those of the functions, classes, objects and types in it. */
  declared: string[];
  /** Every identifier written in it. */
  mentions: Set<string>;
  /** It holds code (a function, class, object or `async` body), whose lowering may be cached and shared. */
  code: boolean;
  /** The record fields it assigns (lower-state.ts, `assignedFields`). */
  assigned: string[];
}

/** What is worked out from a field's text alone, kept by text (a keystroke changes one field). */
interface TextFacts {
  declared: string[];
  mentions: Set<string>;
  code: boolean;
  assigned: string[];
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/g;

export class ActorUnitFacts {
  private known = new Map<string, TextFacts>();
  private next = new Map<string, TextFacts>();

  /** The units of `actor`'s fields, in order. */
  unitsOf(file: FileInfo, fields: A.DecField[]): ActorUnit[] {
    return fields.map((f) => {
      const text = file.text.slice(f.start, f.end);
      const at = file.lines.positionAt(f.start);
      let facts = this.known.get(text) ?? this.next.get(text);
      facts ??= {
        declared: declaredNames(f),
        mentions: new Set(text.match(IDENT)),
        code: hasCode(f),
        assigned: [...assignedFieldsIn(f)],
      };
      this.next.set(text, facts);
      return { start: f.start, end: f.end, key: `${at.line}:${at.character}:${text}`, ...facts };
    });
  }

  /** Forgets the facts of texts no analysis since the last call asked for. */
  settle(): void {
    this.known = this.next;
    this.next = new Map();
  }
}

function declaredNames(field: A.DecField): string[] {
  const names: string[] = [];
  const d = field.dec;
  if (d.kind === 'LetDec') names.push(...boundNames(d.pattern).map((b) => b.name));
  else if (d.kind === 'VarDec') names.push(d.name.name);
  walk(d, (n) => {
    if ((n.kind === 'Func' || n.kind === 'ClassDec' || n.kind === 'ObjectDec') && n.name)
      names.push(n.name.name);
    else if (n.kind === 'TypeDec') names.push(n.name.name);
    if (n.kind === 'ObjectDec' || n.kind === 'ClassDec')
      for (const m of n.fields) {
        if (m.dec.kind === 'LetDec') names.push(...boundNames(m.dec.pattern).map((b) => b.name));
        else if (m.dec.kind === 'VarDec') names.push(m.dec.name.name);
      }
  });
  return names;
}

function hasCode(field: A.DecField): boolean {
  let found = false;
  walk(field.dec, (n) => {
    if (
      n.kind === 'Func' ||
      n.kind === 'ClassDec' ||
      n.kind === 'ObjectDec' ||
      n.kind === 'MixinDec' ||
      n.kind === 'Async'
    )
      found = true;
    return !found;
  });
  return found;
}

/**
 * The units whose lowering may differ from the previous analysis's: those that reach a changed unit, or a unit
 * with code that a changed unit reaches (before or after the change: `changedMentions` holds both). A lowering
 * caches what it computes for code (helper summaries, inlined bodies), and a unit whose code is shared with a
 * changed one may find that cache filled in another order.
 */
export function unitsToLower(
  units: ActorUnit[],
  changed: Set<number>,
  changedMentions: Map<number, Set<string>>,
  changedDeclared: Map<number, string[]>,
): Set<number> {
  const byName = new Map<string, number[]>();
  const declare = (name: string, i: number) => {
    const at = byName.get(name);
    if (at) at.push(i);
    else byName.set(name, [i]);
  };
  units.forEach((u, i) => {
    for (const n of changedDeclared.get(i) ?? u.declared) declare(n, i);
  });
  const reaches = (i: number): number[] => {
    const out: number[] = [];
    for (const n of changedMentions.get(i) ?? units[i].mentions)
      for (const j of byName.get(n) ?? []) if (j !== i) out.push(j);
    return out;
  };
  // What the changed units reach: they themselves, and the code among what they reach.
  const sources = new Set<number>(changed);
  const stack = [...changed];
  const seen = new Set<number>(changed);
  while (stack.length) {
    const i = stack.pop()!;
    for (const j of reaches(i))
      if (!seen.has(j)) {
        seen.add(j);
        stack.push(j);
        if (units[j].code) sources.add(j);
      }
  }
  // Every unit that reaches one of those.
  const reachedBy = new Map<number, number[]>();
  units.forEach((_u, i) => {
    for (const j of reaches(i)) {
      const at = reachedBy.get(j);
      if (at) at.push(i);
      else reachedBy.set(j, [i]);
    }
  });
  const out = new Set<number>(sources);
  const todo = [...sources];
  while (todo.length) {
    const j = todo.pop()!;
    for (const i of reachedBy.get(j) ?? [])
      if (!out.has(i)) {
        out.add(i);
        todo.push(i);
      }
  }
  return out;
}
