#!/usr/bin/env node
import { tuneHeap } from '../dist/core/heap.js';

// Before any work: the pool's and the store's worker threads share V8's flags (dist/core/heap.js).
tuneHeap();
const { main } = await import('../dist/cli/main.js');
main(process.argv).then((code) => {
  process.exitCode = code;
});
