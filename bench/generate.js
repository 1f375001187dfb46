// Writes a large, realistic audit log by replaying samples/audit.log's traffic mix (controllers,
// kubelets, people, RequestResponse bodies, the incident) with fresh auditIDs and advancing time.
import { createWriteStream, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

export async function generate(path, targetBytes, templateFile) {
  const templates = readFileSync(templateFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const out = createWriteStream(path);
  let bytes = 0;
  let events = 0;
  let t = Date.parse('2026-11-20T00:00:00Z');
  while (bytes < targetBytes) {
    for (const tpl of templates) {
      t += 3;
      const e = { ...tpl, auditID: randomUUID(), requestReceivedTimestamp: new Date(t).toISOString().replace('Z', '123Z'), stageTimestamp: new Date(t + 2).toISOString().replace('Z', '456Z') };
      const line = `${JSON.stringify(e)}\n`;
      bytes += Buffer.byteLength(line);
      events++;
      if (!out.write(line)) await new Promise((r) => out.once('drain', r));
      if (bytes >= targetBytes) break;
    }
  }
  await new Promise((r) => out.end(r));
  return { bytes, events };
}
