// The floor we compare against: split lines and JSON.parse each, nothing else (DESIGN.md §5).
import { createReadStream } from 'node:fs';

const file = process.argv[2];
const start = process.hrtime.bigint();
let events = 0;
let pending = '';
let sink = 0;
const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
for await (const chunk of stream) {
  pending += chunk;
  let s = 0;
  let nl;
  while ((nl = pending.indexOf('\n', s)) >= 0) {
    const o = JSON.parse(pending.slice(s, nl));
    sink += o.verb.length;
    events++;
    s = nl + 1;
  }
  pending = pending.slice(s);
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
process.stdout.write(JSON.stringify({ events, seconds, maxRssMB: process.resourceUsage().maxRSS / 1024, sink }));
