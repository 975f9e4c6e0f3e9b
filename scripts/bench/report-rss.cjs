// Preloaded (`node -r`) into a child the benchmark measures: prints the process's peak resident memory on exit.
'use strict';
const { writeSync } = require('node:fs');
process.on('exit', () => {
  writeSync(2, `\nBENCH_MAX_RSS_KB=${process.resourceUsage().maxRSS}\n`);
});
