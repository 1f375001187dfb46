#!/usr/bin/env node
import { tuneHeap } from '../dist/cli/heap.js';

// Before any work: the pool's and the store's worker threads share V8's flags (dist/cli/heap.js).
tuneHeap();
const { main } = await import('../dist/cli/main.js');
main(process.argv).then((code) => {
  process.exitCode = code;
});
