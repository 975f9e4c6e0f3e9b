/** The last good analysis kept while a file has syntax errors, and what is kept when memory is short. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSources } from '../src/workspace/analyze';
import { EditMap, LastGoodAnalyses } from '../src/lsp/last-good';

const actor = `persistent actor Bank {
  type Ledger = actor { transfer : shared (Nat) -> async () };
  let ledger : Ledger = actor "ryjl3-tyaaa-aaaaa-aaaba-cai";
  var balance : Nat = 1_000;

  public func pay(amount : Nat) : async () {
    balance += 1;
  };

  public func withdraw(amount : Nat) : async () {
    if (balance >= amount) {
      await (with timeout = 30) ledger.transfer(amount);
      balance -= amount;
    };
  };
};
`;
const withError = actor.replace('    balance += 1;\n', '    balance += 1;\n    let x = ;\n');

async function record(lastGood: LastGoodAnalyses, text: string) {
  const result = await analyzeSources([{ path: '/bank/main.mo', text }]);
  const file = result.files[0];
  const hasErrors = file.parseErrors.length > 0;
  return { findings: lastGood.record(file, text, result, hasErrors), hasErrors };
}

test('an edit maps the lines after it and invalidates the whole method it touches', () => {
  const before = ['a', 'fn {', 'x', '}', 'b', 'c'];
  const after = ['a', 'fn {', 'x', 'y', '}', 'b', 'c'];
  const edit = EditMap.between(before, after, [[1, 3]]);
  assert.deepEqual([edit.from, edit.to, edit.delta], [1, 3, 1]);
  assert.equal(edit.pos({ line: 2, character: 0 }), undefined);
  assert.deepEqual(edit.pos({ line: 4, character: 3 }), { line: 5, character: 3 });
  assert.deepEqual(edit.pos({ line: 0, character: 3 }), { line: 0, character: 3 });
  assert.deepEqual(edit.back({ line: 5, character: 1 }), { line: 4, character: 1 });
  assert.equal(edit.back({ line: 3, character: 1 }), undefined);
});

test('while the file has errors the last good analysis is shown outside the edit; when memory is short only its findings', async () => {
  const lastGood = new LastGoodAnalyses();
  const good = await record(lastGood, actor);
  assert.equal(good.hasErrors, false);
  const cta = good.findings.filter((f) => f.rule === 'check-then-act');
  assert.equal(cta.length, 1);
  assert.equal(lastGood.viewOf('/bank/main.mo'), undefined);

  const bad = await record(lastGood, withError);
  assert.equal(bad.hasErrors, true);
  const moved = bad.findings.filter((f) => f.rule === 'check-then-act');
  assert.deepEqual(
    moved.map((f) => f.range.start.line),
    cta.map((f) => f.range.start.line + 1),
  );
  assert.ok(lastGood.viewOf('/bank/main.mo'));

  lastGood.dropAnalyses(['/bank/main.mo']);
  assert.equal(lastGood.viewOf('/bank/main.mo'), undefined);
  const again = await record(lastGood, withError);
  assert.equal(lastGood.viewOf('/bank/main.mo'), undefined, 'no whole analysis is kept any more');
  assert.deepEqual(
    again.findings.filter((f) => f.rule === 'check-then-act').map((f) => f.range.start.line),
    cta.map((f) => f.range.start.line + 1),
    'the findings still are',
  );
});
