import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineIndex, utf8ToUtf16 } from '../src/text/positions';

test('UTF-8 byte columns convert to UTF-16 columns with non-ASCII text', () => {
  const line = 'let é = "😀"; await f();';
  // 'é' is 2 bytes / 1 unit, '😀' is 4 bytes / 2 units.
  const awaitUtf16 = line.indexOf('await');
  const awaitUtf8 = Buffer.byteLength(line.slice(0, awaitUtf16), 'utf8');
  assert.equal(awaitUtf8, awaitUtf16 + 1 + 2);
  assert.equal(utf8ToUtf16(line, awaitUtf8), awaitUtf16);
});

test('LineIndex maps offsets, bytes and lines both ways across CRLF', () => {
  const text = 'a\r\nλ b\nc😀d';
  const idx = new LineIndex(text);
  assert.equal(idx.lineCount, 3);
  assert.deepEqual(idx.positionAt(text.indexOf('b')), { line: 1, character: 2 });
  assert.equal(idx.offsetAt({ line: 2, character: 3 }), text.indexOf('d'));
  const byteOfD = Buffer.byteLength(text.slice(0, text.indexOf('d')), 'utf8');
  assert.deepEqual(idx.positionAtByte(byteOfD), { line: 2, character: 3 });
  assert.equal(idx.utf8Column(1, 2), 3);
  assert.equal(idx.lineText(0), 'a');
});
