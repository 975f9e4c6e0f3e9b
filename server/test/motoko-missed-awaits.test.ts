/**
 * Awaits no lowering reached are still classified, and the look for them trusts the parser's list of the awaits
 * it made (the whole tree is walked only when one of those has no annotation).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { walk } from '../src/languages/motoko/ast';
import { awaitsOf, parseMotoko } from '../src/languages/motoko/parser';
import { analyzeMotokoFiles } from '../src/languages/motoko';

function moFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? moFiles(join(dir, e.name)) : e.name.endsWith('.mo') ? [join(dir, e.name)] : [],
  );
}

test("the parser's list holds every await of the tree (so no missed await is overlooked)", () => {
  const files = moFiles(join(__dirname, '..', '..', '..', 'server', 'test', 'fixtures'));
  assert.ok(files.length > 50);
  for (const f of files) {
    const { program } = parseMotoko(readFileSync(f, 'utf8'));
    const made = new Set(awaitsOf(program));
    walk(program, (n) => {
      if (n.kind === 'Await') assert.ok(made.has(n), `${f}: await at ${n.start}`);
    });
  }
});

test('an await outside every lowered body (a script line after the actor) is still classified', () => {
  const text = [
    'persistent actor Counter {',
    '  public func count() : async Nat {',
    '    let n = await other.read();',
    '    n + 1;',
    '  };',
    '};',
    'await Counter.count()',
    '',
  ].join('\n');
  const [model] = analyzeMotokoFiles([{ path: '/tmp/Counter.mo', text }]);
  assert.deepEqual(
    model.awaits.map((a) => [a.range.start.line, a.functionName, a.commit]),
    [
      [2, 'count', 'commit'],
      [6, '<top>', 'commit'],
    ],
  );
});
