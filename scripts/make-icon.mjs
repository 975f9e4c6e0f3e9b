// Draws the extension icon (images/icon.png, 128×128 RGBA) without any image library: two message lanes of
// segments cut by a commit point (the bright vertical bar), on a rounded dark square. Run: node scripts/make-icon.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const size = 128;
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'images', 'icon.png');

const background = [24, 44, 78, 255];
const segment = [86, 156, 214, 255];
const segmentLate = [78, 201, 176, 255];
const commit = [255, 179, 64, 255];
const clear = [0, 0, 0, 0];

const inRect = (x, y, x0, y0, x1, y1) => x >= x0 && x < x1 && y >= y0 && y < y1;

function pixel(x, y) {
  // Rounded square: outside the 16 px corner circles is transparent.
  const r = 16;
  const cx = Math.min(Math.max(x, r), size - 1 - r);
  const cy = Math.min(Math.max(y, r), size - 1 - r);
  if ((x - cx) ** 2 + (y - cy) ** 2 > r * r) return clear;
  if (inRect(x, y, 60, 18, 68, 110)) return commit; // the commit point
  // Lane 1: a segment before the commit point and one after; lane 2 interleaves in the gap.
  if (inRect(x, y, 18, 34, 56, 50) || inRect(x, y, 72, 34, 110, 50)) return segment;
  if (inRect(x, y, 40, 78, 56, 94) || inRect(x, y, 72, 78, 96, 94)) return segmentLate;
  return background;
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(size, 0);
ihdr.writeUInt32BE(size, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const rows = Buffer.alloc(size * (1 + size * 4));
for (let y = 0; y < size; y++) {
  const row = y * (1 + size * 4); // each row starts with filter type 0
  for (let x = 0; x < size; x++) Buffer.from(pixel(x, y)).copy(rows, row + 1 + x * 4);
}
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(rows)),
  chunk('IEND', Buffer.alloc(0)),
]);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);
