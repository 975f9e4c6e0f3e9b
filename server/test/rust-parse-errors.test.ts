/** Rust syntax errors are shown where they are, a few characters wide, never as one range over the file. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeRustCrate } from '../src/languages/rust';
import { withdrawLibRs } from './helpers/rust-sources';

/** The withdraw crate with `typed` as the first line of a second method, `deposit`. */
const withTyped = (typed: string) =>
  `${withdrawLibRs()}
#[ic_cdk::update]
async fn deposit(amount: u64) {
    ${typed}
    BALANCE.with(|b| *b.borrow_mut() += amount);
}
`;

const errorsOf = async (text: string) => {
  const [model] = await analyzeRustCrate('test', [{ path: 'src/lib.rs', text }], { extraCallFunctions: [] });
  assert.ok(model);
  return model.parseErrors;
};

test('an unclosed brace is reported at the brace, not over the whole file', async () => {
  const text = withTyped('if amount > 0 {');
  const errors = await errorsOf(text);
  assert.equal(errors.length, 1, JSON.stringify(errors));
  const [e] = errors;
  const line = text.split('\n')[e.range.start.line];
  assert.equal(e.range.start.line, e.range.end.line);
  assert.equal(line.slice(e.range.start.character, e.range.end.character), '{');
  assert.match(e.message, /not closed/);
});

test('errors in a method stay short and inside it', async () => {
  for (const typed of ['let x = ;', 'let v = vec![1, 2;', 'foo(amount, ', 'match amount { 0 =>']) {
    const text = withTyped(typed);
    const first = text.split('\n').findIndex((l) => l.includes('fn deposit'));
    const errors = await errorsOf(text);
    assert.ok(errors.length > 0, typed);
    for (const e of errors) {
      assert.ok(e.range.start.line >= first, `${typed}: ${JSON.stringify(e)}`);
      assert.equal(e.range.start.line, e.range.end.line, `${typed}: ${JSON.stringify(e)}`);
      assert.ok(e.range.end.character - e.range.start.character <= 10, `${typed}: ${JSON.stringify(e)}`);
    }
  }
});
