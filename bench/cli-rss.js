// Runs the k8s-audit CLI in this process (as bin/k8s-audit.js does) and, when it is done, writes
// {"code", "maxRssMB", "cpuSeconds"} to file descriptor 3: the command's exact peak RSS, which a parent process
// cannot read from Node's child_process.
//   node bench/cli-rss.js scan FILE --alerts none … 3>rss.json
import { writeSync } from 'node:fs';
import { tuneHeap } from '../dist/core/heap.js';

tuneHeap();
const { main } = await import('../dist/cli/main.js');
const code = await main([process.argv[0], 'k8s-audit', ...process.argv.slice(2)]);
const usage = process.resourceUsage();
writeSync(3, JSON.stringify({ code, maxRssMB: usage.maxRSS / 1024, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 }));
process.exitCode = code;
