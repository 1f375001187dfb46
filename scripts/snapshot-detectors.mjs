// Snapshots the shipped detectors/ beside the compiled code (dist/detectors.snapshot.json), so that
// loadCatalogue need not parse and validate their YAML at every start. Run after `tsc`. A missing or
// stale snapshot is never wrong, only slower (src/detect/catalogue-snapshot.ts), so this never fails
// a build: without detectors/ (a Docker build stage that copies only src/) it says so and exits 0.
import { existsSync } from 'node:fs';
import { DEFAULT_DETECTORS_DIR } from '../dist/detect/catalogue.js';
import { DEFAULT_SNAPSHOT, writeSnapshot } from '../dist/detect/catalogue-snapshot.js';

if (!existsSync(DEFAULT_DETECTORS_DIR)) {
  process.stdout.write(`no ${DEFAULT_DETECTORS_DIR}: no detector snapshot (the catalogue will be parsed at start-up)\n`);
} else {
  const { files, skipped } = writeSnapshot(DEFAULT_DETECTORS_DIR, DEFAULT_SNAPSHOT);
  process.stdout.write(`snapshot of ${files} detector files in ${DEFAULT_SNAPSHOT}${skipped.length ? `; left to the parser: ${skipped.join(', ')}` : ''}\n`);
}
