/**
 * The replica semantics that the Motoko compiler's run-drun tests pin down (their ok/*.drun-run.ok files are
 * what the real replica printed), restated as small programs of our own and checked against the analysis:
 * every `await` commits, a trap rolls back only to the last commit point, `finally` runs after a trap that
 * follows an await, and an `await*` whose body has no commit point is not one. The whole run-drun suite is
 * checked by `scripts/run-drun-oracle.mjs` against the corpus; these need nothing outside the repo.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyzeMotokoFiles } from '../src/languages/motoko/index';
import { analyze, type EntryAnalysis } from '../src/model/analysis';
import type { FileModel } from '../src/model/ir';
import { runRules } from '../src/rules/registry';
import type { Finding } from '../src/rules/types';
import { fixturesDir } from './helpers/paths';

interface Checked {
  model: FileModel;
  entry: (name: string) => EntryAnalysis;
  findings: (rule: string, entryPoint: string) => Finding[];
}

function check(text: string): Checked {
  const [model] = analyzeMotokoFiles([{ path: join(fixturesDir, 'replica-semantics.mo'), text }], {});
  assert.ok(model);
  assert.deepEqual(model.parseErrors, []);
  const analysis = analyze([model]);
  const all = runRules(analysis);
  return {
    model,
    entry: (name) => {
      const e = analysis.entryPoints.find((x) => x.ir.name === name);
      assert.ok(e, `entry point ${name}`);
      return e;
    },
    findings: (rule, entryPoint) => all.filter((f) => f.rule === rule && f.entryPoint === entryPoint),
  };
}

const kindsIn = (m: FileModel, fn: string) =>
  m.awaits.filter((a) => a.functionName === fn).map((a) => `${a.keyword} ${a.commit}`);

test('every await commits: a self-call, an already completed future, another canister', () => {
  const c = check(`actor {
  var n = 0;
  func bump() : async () { n += 1 };
  public func viaSelf() : async () { await bump(); n += 1 };
  public func completed() : async () { let f = bump(); await f; await f };
  public func remote(c : actor { ping : () -> async () }) : async () { await c.ping() };
}`);
  assert.deepEqual(kindsIn(c.model, 'viaSelf'), ['await commit']);
  assert.deepEqual(kindsIn(c.model, 'completed'), ['await commit', 'await commit']);
  assert.deepEqual(kindsIn(c.model, 'remote'), ['await commit']);
  // The state written after the self-call runs in a message of its own: a second segment.
  assert.equal(c.entry('viaSelf').segments.length, 2);
  assert.equal(c.entry('completed').segments.length, 3);
});

test('a trap rolls back only to the last commit point', () => {
  const c = check(`actor {
  var balance = 100;
  public func noCommit(amount : Nat) : async () {
    if (balance < amount) throw Error.reject("insufficient");
    balance -= amount;
    assert false;
  };
  public func afterCommit(ledger : actor { transfer : Nat -> async Bool }, amount : Nat) : async () {
    if (balance < amount) throw Error.reject("insufficient");
    balance -= amount;
    let ok = await ledger.transfer(amount);
    assert ok;
  };
}`);
  // Without a commit point the trap undoes the debit: nothing to report.
  assert.equal(c.entry('noCommit').segments.length, 1);
  assert.deepEqual(c.findings('trap-after-commit', 'noCommit'), []);
  // After the await the debit is committed; the trap in the callback undoes only the second segment.
  const e = c.entry('afterCommit');
  assert.equal(e.segments.length, 2);
  assert.ok(e.segments[0].writes.some((w) => w.state.root === 'balance'));
  assert.ok(!e.segments[1].writes.some((w) => w.state.root === 'balance'));
  const [finding, ...rest] = c.findings('trap-after-commit', 'afterCommit');
  assert.ok(finding, 'the trap after the commit point leaves the debit in place');
  assert.deepEqual(rest, []);
  assert.deepEqual(finding.state, ['balance']);
  assert.equal(finding.commitPoint?.start.line, 10);
});

test('finally runs when the code after an await traps, so a flag cleared there is not leaked', () => {
  const c = check(`actor {
  var busy = false;
  public func inFinally(c : actor { ping : () -> async () }) : async () {
    if (busy) throw Error.reject("busy");
    busy := true;
    try { await c.ping(); assert false } finally { busy := false };
  };
  public func inline(c : actor { ping : () -> async () }) : async () {
    if (busy) throw Error.reject("busy");
    busy := true;
    await c.ping();
    busy := false;
  };
}`);
  const held = c.entry('inFinally').commitPoints[0].locksHeld;
  assert.deepEqual(
    held.map((l) => [l.state.root, l.how]),
    [['busy', 'finally']],
  );
  assert.deepEqual(c.findings('lock-released-outside-cleanup', 'inFinally'), []);
  const leaked = c.findings('lock-released-outside-cleanup', 'inline');
  assert.equal(leaked.length, 1);
  assert.deepEqual(leaked[0].state, ['busy']);
});

test('an await* commits only when its async* body does', () => {
  const c = check(`actor {
  var n = 0;
  func incr() : async* () { n += 1 };
  func ping(c : actor { ping : () -> async () }) : async* () { await c.ping() };
  public func local() : async () { await* incr(); n += 1 };
  public func remote(c : actor { ping : () -> async () }) : async () { await* ping(c); n += 1 };
}`);
  assert.deepEqual(kindsIn(c.model, 'local'), ['await* none']);
  assert.equal(c.entry('local').segments.length, 1);
  assert.deepEqual(kindsIn(c.model, 'remote'), ['await* commit']);
  assert.equal(c.entry('remote').segments.length, 2);
});
