// Writes a large, realistic audit log: samples/audit.log's benign traffic (controllers, kubelets,
// CI, people; Metadata and RequestResponse levels) replayed with fresh auditIDs and advancing time,
// with the samples' incident woven in once every ~100,000 events — an alert rate like a real
// cluster's, not a replay of the attack on every page.
import { createWriteStream, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

const INCIDENT_EVERY = 100_000;

export async function generate(path, targetBytes, samplesDir) {
  const all = readFileSync(join(samplesDir, 'audit.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const incidentIds = new Set(Object.values(JSON.parse(readFileSync(join(samplesDir, 'labels', 'incident-auditids.json'), 'utf8'))).flat());
  const benign = all.filter((e) => !incidentIds.has(e.auditID));
  const incident = all.filter((e) => incidentIds.has(e.auditID));
  const out = createWriteStream(path);
  let bytes = 0;
  let events = 0;
  let t = Date.parse('2026-11-20T00:00:00Z');
  const emit = async (tpl, id) => {
    t += 3;
    const e = { ...tpl, auditID: id, requestReceivedTimestamp: new Date(t).toISOString().replace('Z', '123Z'), stageTimestamp: new Date(t + 2).toISOString().replace('Z', '456Z') };
    const line = `${JSON.stringify(e)}\n`;
    bytes += Buffer.byteLength(line);
    events++;
    if (!out.write(line)) await new Promise((r) => out.once('drain', r));
  };
  while (bytes < targetBytes) {
    for (const tpl of benign) {
      await emit(tpl, randomUUID());
      if (events % INCIDENT_EVERY === 0) {
        // One request's stages keep one auditID.
        const ids = new Map();
        for (const e of incident) {
          if (!ids.has(e.auditID)) ids.set(e.auditID, randomUUID());
          await emit(e, ids.get(e.auditID));
        }
      }
      if (bytes >= targetBytes) break;
    }
  }
  await new Promise((r) => out.end(r));
  return { bytes, events };
}
