/**
 * The hover on a commit point leads with the explanation and keeps its lists short: with many interleavers it
 * names the first few and says how many more there are (the timeline lists them all).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyzeMotokoFiles } from '../src/languages/motoko/index';
import { analyze } from '../src/model/analysis';
import { explainCommitPoint, hoverMarkdown } from '../src/lsp/hover';
import { fixturesDir } from './helpers/paths';

test('a commit point with 20 interleavers lists 8 and says how many more', () => {
  const writers = Array.from(
    { length: 20 },
    (_, i) => `  public func bump${i}() : async () { counter += ${i + 1} };`,
  );
  const text = `actor {
  var counter = 0;
  let other : actor { ping : () -> async () } = actor "aaaaa-aa";
  public func read() : async Nat {
    let before = counter;
    await other.ping();
    before + counter;
  };
${writers.join('\n')}
};
`;
  const [model] = analyzeMotokoFiles([{ path: join(fixturesDir, 'hover-cap.mo'), text }], {});
  assert.ok(model);
  const analysis = analyze([model]);
  const read = analysis.entryPoints.find((e) => e.ir.name === 'read');
  assert.ok(read);
  const [cp] = read.commitPoints;
  assert.ok(cp);
  assert.equal(cp.interleavers.filter((i) => !i.harmless).length, 20);
  const hover = explainCommitPoint(read, cp);
  assert.ok(hover.startsWith('**'), 'the explanation comes first');
  const listed = hover.split('\n').filter((l) => l.startsWith('- `bump'));
  assert.equal(listed.length, 8);
  assert.match(hover, /^- and 12 more$/m);
});

test('the hover of an await of another file run inline is on that file, with the entry point that reaches it', () => {
  const lib = `module {
  public func pay(l : actor { pay : () -> async () }) : async* () {
    await l.pay();
  };
};
`;
  const main = `import L "Lib";
actor {
  var n = 0;
  public func go(l : actor { pay : () -> async () }) : async () {
    n += 1;
    await* L.pay(l);
  };
};
`;
  const files = analyzeMotokoFiles(
    [
      { path: '/h/main.mo', text: main },
      { path: '/h/Lib.mo', text: lib },
    ],
    {},
  );
  const analysis = analyze(files);
  const inLib = hoverMarkdown(analysis, '/h/Lib.mo', { line: 2, character: 5 });
  assert.match(inLib ?? '', /in `go`/);
  // The same position in the actor's file is not that commit point.
  assert.equal(hoverMarkdown(analysis, '/h/main.mo', { line: 2, character: 5 }), undefined);
});
