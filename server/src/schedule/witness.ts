/**
 * The adversarial policy: searches the interleavings of a scenario for one in which the conflict a finding
 * describes actually happens, and returns it as a witness.
 *
 * A finding is witnessed by a pattern of three steps: message `m` of the finding's entry point runs the step
 * that ends at the finding's commit point (A), another message runs a step that conflicts (B) while `m` is
 * suspended there, and `m` then acts on the state after the commit point (C):
 * - `check-then-act`: A reads the checked state; B writes it, or is another call of the same method passing
 *   the same check (A of its own); C writes it.
 * - `stale-write-back`: A reads the state; B writes it; C writes it back.
 * - `intermediate-state-visible`: `m` wrote the state before the commit point; B reads it (no C needed).
 * Other rules are about failures and traps, not about interleavings, and get no witness.
 *
 * The search is a depth-first search over which waiting queue item (request or response) runs next, trying
 * the `ic` choice first, with a memo of visited states (message progress, queue contents, pattern progress)
 * and a bound on the number of explored states per finding. Of several waiting items of identical messages
 * (same entry point, progress and caller, not yet part of the pattern) only the first is tried: the others
 * lead to the same schedules with the messages renamed.
 */
import type { CommitPointInfo, EntryAnalysis } from '../model/analysis';
import { sameState } from '../model/analysis';
import type { StatePath } from '../model/ir';
import type { Finding } from '../rules/types';
import type { ExecStep, Run } from './engine';
import type { PlannedStep } from './path';
import type { SearchInfo, Witness } from './types';

export const WITNESS_RULES = ['check-then-act', 'stale-write-back', 'intermediate-state-visible'] as const;
type WitnessRule = (typeof WITNESS_RULES)[number];

/** Explored states per finding. */
export const DEFAULT_BOUND = 20_000;

interface Target {
  finding: Finding;
  rule: WitnessRule;
  entry: EntryAnalysis;
  cp: CommitPointInfo;
  state: StatePath[];
}

/** Pattern progress of one message: 0 idle, 1 suspended after A, 2 interleaved (B seen), 3 no longer possible. */
interface Monitor {
  phase: number[];
  a: number[];
  b: number[];
  bMsg: number[];
  done?: { m: number; steps: number[] };
}

export function parseState(name: string): StatePath {
  const dot = name.indexOf('.');
  return dot < 0 ? { root: name } : { root: name.slice(0, dot), field: name.slice(dot + 1) };
}

const touches = (list: StatePath[], state: StatePath[]) =>
  list.some((s) => state.some((t) => sameState(s, t)));

function isQuery(e: EntryAnalysis): boolean {
  return e.ir.kind === 'query' || e.ir.kind === 'composite-query';
}

/** The findings the search can witness for the entry points that run in the scenario, best first. */
export function targets(findings: Finding[], entries: EntryAnalysis[], running: Set<string>): Target[] {
  const out: Target[] = [];
  for (const f of findings) {
    const rule = WITNESS_RULES.find((r) => r === f.rule);
    if (!rule || !f.commitPoint || !running.has(f.entryPoint)) continue;
    const entry = entries.find((e) => e.ir.name === f.entryPoint && e.file === f.file);
    const start = f.commitPoint.start;
    const cp = entry?.commitPoints.find(
      (c) => c.await.range.start.line === start.line && c.await.range.start.character === start.character,
    );
    if (!entry || !cp) continue;
    out.push({ finding: f, rule, entry, cp, state: f.state.map(parseState) });
  }
  return out.sort(
    (x, y) =>
      WITNESS_RULES.indexOf(x.rule) - WITNESS_RULES.indexOf(y.rule) ||
      x.finding.range.start.line - y.finding.range.start.line,
  );
}

function advance(t: Target, run: Run, mon: Monitor, s: ExecStep): Monitor {
  const next: Monitor = { phase: [...mon.phase], a: [...mon.a], b: [...mon.b], bMsg: [...mon.bMsg] };
  while (next.phase.length < run.msgs.length) {
    next.phase.push(0);
    next.a.push(0);
    next.b.push(0);
    next.bMsg.push(-1);
  }
  const needsAct = t.rule !== 'intermediate-state-visible';
  const sMsg = run.msgs[s.msg];
  const writes = !isQuery(sMsg.entry) && touches(s.planned.writes, t.state);
  const reads = touches(s.planned.reads, t.state);
  const atCp = sMsg.entry === t.entry && s.planned.endsAt === t.cp.await;
  for (let m = 0; m < next.phase.length; m++) {
    const phase = next.phase[m];
    if (phase !== 1 && phase !== 2) continue;
    if (m === s.msg) {
      if (phase === 1) next.phase[m] = 3;
      else if (writes) {
        next.done = { m, steps: [next.a[m], next.b[m], s.step] };
        return next;
      } else if (!s.planned.endsAt) next.phase[m] = 3;
      continue;
    }
    if (phase !== 1) continue;
    const conflicts =
      t.rule === 'intermediate-state-visible'
        ? reads
        : writes || (t.rule === 'check-then-act' && atCp && reads);
    if (!conflicts) continue;
    next.phase[m] = 2;
    next.b[m] = s.step;
    next.bMsg[m] = s.msg;
    if (!needsAct) {
      next.done = { m, steps: [next.a[m], s.step] };
      return next;
    }
  }
  if (atCp && next.phase[s.msg] === 0) {
    const armed =
      t.rule === 'intermediate-state-visible'
        ? sMsg.plan.slice(0, s.index + 1).some((p) => touches(p.writes, t.state))
        : reads;
    if (armed) {
      next.phase[s.msg] = 1;
      next.a[s.msg] = s.step;
    }
  }
  return next;
}

interface Found {
  run: Run;
  mon: Monitor;
}

/** Depth-first search for a schedule completing the target's pattern. */
function searchTarget(
  t: Target,
  initial: Run,
  bound: number,
): { found?: Found; explored: number; exhaustive: boolean } {
  const seen = new Set<string>();
  let explored = 0;
  let cut = false;
  const visit = (run: Run, mon: Monitor): Found | undefined => {
    if (mon.done) return { run, mon };
    if (explored >= bound) {
      cut = true;
      return undefined;
    }
    const key = `${run.key()}|${mon.phase.join('')}`;
    if (seen.has(key)) return undefined;
    seen.add(key);
    explored++;
    // Waiting items of identical, untouched messages lead to the same states up to renaming: try one of them.
    const tried = new Set<string>();
    for (let i = 0; i < run.queue.length; i++) {
      const item = run.queue[i];
      const m = run.msgs[item.msg];
      if (!mon.phase[item.msg]) {
        const sig = `${item.kind}|${m.entry.ir.name}|${m.next}|${m.caller ?? ''}`;
        if (tried.has(sig)) continue;
        tried.add(sig);
      }
      const r = run.clone();
      const s = r.exec(i, 'ic');
      const found = visit(r, advance(t, r, mon, s));
      if (found) return found;
      if (cut) return undefined;
    }
    return undefined;
  };
  const found = visit(initial.clone(), { phase: [], a: [], b: [], bMsg: [] });
  return { ...(found ? { found } : {}), explored, exhaustive: !found && !cut };
}

function explain(t: Target, run: Run, done: NonNullable<Monitor['done']>, bMsg: number): string {
  const m = run.msgs[done.m].id;
  const other = run.msgs[bMsg];
  const state = t.finding.state.map((s) => `\`${s}\``).join(', ');
  const line = t.cp.await.range.start.line + 1;
  const [a, b, c] = done.steps;
  const sameCaller = t.finding.message.includes('same caller')
    ? ' The state is keyed by the caller: this needs both messages to come from the same caller.'
    : '';
  switch (t.rule) {
    case 'check-then-act': {
      const how =
        other.entry === t.entry
          ? `runs the same check on ${state} (step ${b}) and passes it too`
          : `writes ${state} (step ${b})`;
      return `${m} checks ${state} (step ${a}) and suspends at the commit point at line ${line}; ${other.id} ${how} before ${m} resumes and writes ${state} (step ${c}): the check no longer protects the write (time-of-check/time-of-use${other.entry === t.entry ? ', e.g. a double spend' : ''}).${sameCaller}`;
    }
    case 'stale-write-back':
      return `${m} reads ${state} (step ${a}) and suspends at the commit point at line ${line}; ${other.id} writes ${state} (step ${b}); ${m} then writes back the value it read before (step ${c}), undoing ${other.id}'s change (lost update).${sameCaller}`;
    case 'intermediate-state-visible':
      return `${m} writes ${state} before the commit point at line ${line} (suspended after step ${a}); ${other.id} reads the intermediate ${state} (step ${b}) while ${m} is suspended.${sameCaller}`;
  }
}

const samePlan = (a: PlannedStep[], b: PlannedStep[]) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Searches a witness for each target in turn; returns the first found as the run to show. `makeRun` builds the
 * scenario's initial run, optionally with the target's entry point taking the path on which its calls fail
 * (tried second, when it differs from the default path).
 */
export function findWitness(
  ts: Target[],
  makeRun: (rejecting?: EntryAnalysis) => Run,
  bound: number,
): { run?: Run; witness: Witness | null; search: SearchInfo } {
  let explored = 0;
  let exhaustive = true;
  for (const t of ts) {
    const initial = makeRun();
    const variants: [Run, boolean][] = [[initial, false]];
    const failing = makeRun(t.entry);
    if (!samePlan(failing.program.plan(t.entry), initial.program.plan(t.entry)))
      variants.push([failing, true]);
    let r: ReturnType<typeof searchTarget> | undefined;
    let rejected = false;
    for (const [run, rejects] of variants) {
      r = searchTarget(t, run, bound);
      explored += r.explored;
      exhaustive &&= r.exhaustive;
      rejected = rejects;
      if (r.found) break;
    }
    if (!r?.found) continue;
    const { run, mon } = r.found;
    const done = mon.done!;
    const bMsg = mon.bMsg[done.m];
    run.finish('ic');
    const witness: Witness = {
      rule: t.rule,
      entryPoint: t.entry.ir.name,
      commitPointLine: t.cp.await.range.start.line + 1,
      state: t.finding.state,
      messages: [run.msgs[done.m].id, run.msgs[bMsg].id],
      steps: done.steps,
      explanation:
        explain(t, run, done, bMsg) +
        (rejected
          ? ` (On this path the calls of \`${t.entry.ir.name}\` fail and it takes its failure handling.)`
          : ''),
    };
    return {
      run,
      witness,
      search: { explored, bound, exhaustive: false, findings: ts.map(label) },
    };
  }
  const note = ts.length
    ? exhaustive
      ? 'no interleaving of this scenario makes the conflict of the findings searched happen'
      : `no witness within the bound of ${bound} explored states per finding`
    : `no ${WITNESS_RULES.join(', ')} finding concerns the entry points of this scenario`;
  return {
    witness: null,
    search: { explored, bound, exhaustive, findings: ts.map(label), note },
  };
}

function label(t: Target): string {
  return `${t.rule}@${t.cp.await.range.start.line + 1}`;
}
