/** Work done in one pass where it was done per segment or with a key per location: the same results. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../src/model/analysis';
import type { Node } from '../src/model/ir';
import { finding } from '../src/rules/support/helpers';
import type { RuleMeta } from '../src/rules/types';
import { b } from './helpers/ir-builder';

test("each segment's reads and writes: every access of it, in the entry point's access order", () => {
  b.reset();
  const body: Node[] = [
    b.read('a'),
    b.write('b'),
    b.loop([b.read('c'), b.branch({}, [[b.await('commit'), b.write('d')], [b.ret()]]), b.write('e')]),
    b.await('maybe'),
    b.read('a'),
    b.write('f'),
    b.await('commit'),
    b.write('a'),
  ];
  const [e] = analyze([b.file([b.entry('f', body)])]).entryPoints;
  assert.equal(e.segments.length, 4);
  for (const seg of e.segments) {
    const of = (kind: string) => e.accesses.filter((a) => a.kind === kind && a.segments.includes(seg.index));
    assert.deepEqual(seg.reads, of('read'), `reads of ${seg.index}`);
    assert.deepEqual(seg.writes, of('write'), `writes of ${seg.index}`);
  }
  // After the loop's commit point: the rest of the loop, and (a `maybe` lets its segment go on) up to the next.
  assert.deepEqual(
    e.segments[1].writes.map((w) => w.state.root),
    ['d', 'e', 'f'],
  );
});

test("a finding's related locations: each (file, place, message) once, in their order", () => {
  b.reset();
  const [e] = analyze([b.file([b.entry('f', [b.read('a'), b.await('commit')])])]).entryPoints;
  const at = (line: number, character = 4) => ({ start: { line, character }, end: { line, character: 9 } });
  const meta: RuleMeta = {
    id: 'check-then-act',
    severity: 'warning',
    title: 't',
    description: 'd',
    fix: 'f',
    languages: ['rust'],
  };
  const related = [
    { file: 'a.rs', range: at(1), message: 'reads `x` here' },
    { file: 'a.rs', range: at(2), message: 'reads `x` here' },
    { file: 'a.rs', range: at(1), message: 'reads `x` here' },
    { file: 'b.rs', range: at(1), message: 'reads `x` here' },
    { file: 'a.rs', range: at(1), message: 'writes `x` here' },
    { file: 'a.rs', range: at(1, 5), message: 'reads `x` here' },
    { file: 'b.rs', range: at(1), message: 'reads `x` here' },
  ];
  const f = finding(meta, e, at(0), 'm', { file: 'a.rs', related });
  assert.deepEqual(
    f.related.map((r) => `${r.file}:${r.range.start.line}:${r.range.start.character} ${r.message}`),
    [
      'a.rs:1:4 reads `x` here',
      'a.rs:2:4 reads `x` here',
      'b.rs:1:4 reads `x` here',
      'a.rs:1:4 writes `x` here',
      'a.rs:1:5 reads `x` here',
    ],
  );
});
