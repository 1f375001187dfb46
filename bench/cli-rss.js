// Runs the k8s-audit CLI in this process (as bin/k8s-audit.js does) and, when it is done, writes
// {"code", "maxRssMB"} to file descriptor 3: the command's exact peak RSS, which a parent process
// cannot read from Node's child_process.
//   node bench/cli-rss.js scan FILE --alerts none … 3>rss.json
import { writeSync } from 'node:fs';
import { main } from '../dist/cli/main.js';

const code = await main([process.argv[0], 'k8s-audit', ...process.argv.slice(2)]);
writeSync(3, JSON.stringify({ code, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
process.exitCode = code;
