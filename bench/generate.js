// Writes large, realistic audit logs for the bench: samples/audit.log's benign traffic (controllers,
// kubelets, CI, people) replayed with fresh auditIDs and advancing time, with the samples' incident
// woven in once in a while — an alert rate like a real cluster's, not a replay of the attack on every
// page. Three inputs (INPUTS):
//   mixed             the samples as they are: the policy in samples/audit-policy.yaml, mostly Metadata
//                     level with a few RequestResponse writes (~1.2 KB events)
//   metadata          every event at Metadata level, no bodies (~1.1 KB events)
//   request-response  every request as a RequestResponse policy logs it, with realistic request and
//                     response bodies (pods, nodes, deployments, configmaps, RBAC, list responses;
//                     bench/k8s-objects.js): ~5 KB events, from 1.3 KB leases to 16 KB updates
//   node bench/generate.js KIND FILE SIZE_MB
import { createWriteStream, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { metadataTemplates, requestResponseTemplates } from './k8s-objects.js';

export const INPUTS = {
  mixed: { file: (mb) => `cluster-${mb}mb.log`, incidentEvery: 100_000, describe: 'samples as logged (mostly Metadata level)' },
  metadata: { file: (mb) => `metadata-${mb}mb.log`, incidentEvery: 100_000, describe: 'Metadata level, no bodies' },
  // The incident about as many bytes apart as in the other inputs (~110 MB), not as many events.
  'request-response': { file: (mb) => `request-response-${mb}mb.log`, incidentEvery: 20_000, describe: 'RequestResponse level, realistic bodies' },
};

/** samples/audit.log split into benign traffic and the incident's events. */
export function loadSamples(samplesDir) {
  const all = readFileSync(join(samplesDir, 'audit.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const incidentIds = new Set(Object.values(JSON.parse(readFileSync(join(samplesDir, 'labels', 'incident-auditids.json'), 'utf8'))).flat());
  return { benign: all.filter((e) => !incidentIds.has(e.auditID)), incident: all.filter((e) => incidentIds.has(e.auditID)) };
}

/** The templates (benign, incident) of one input kind. */
export function templatesFor(kind, samplesDir) {
  const { benign, incident } = loadSamples(samplesDir);
  if (kind === 'mixed') return { benign, incident };
  if (kind === 'metadata') return { benign: metadataTemplates(benign), incident: metadataTemplates(incident) };
  if (kind === 'request-response') return { benign: requestResponseTemplates(benign), incident: requestResponseTemplates(incident, { keepBodiless: true, extra: false }) };
  throw new Error(`unknown input kind ${kind}: use ${Object.keys(INPUTS).join(', ')}`);
}

/**
 * Each event serialised once, with holes for auditID and the two timestamps: a line is then a few
 * string concatenations, so gigabytes are written at disk speed. (Same bytes as JSON.stringify of the
 * event with those three fields replaced: they keep their place in the key order.)
 */
export function compile(tpl) {
  const holes = { auditID: '\u0000ID', requestReceivedTimestamp: '\u0000RT', stageTimestamp: '\u0000ST' };
  const parts = JSON.stringify({ ...tpl, ...holes }).split(/"\\u0000(ID|RT|ST)"/);
  return (id, received, stage) => {
    let s = parts[0];
    for (let i = 1; i < parts.length; i += 2) s += `"${parts[i] === 'ID' ? id : parts[i] === 'RT' ? received : stage}"${parts[i + 1]}`;
    return s;
  };
}

/** API-server timestamps (microseconds) for a request received at t ms. */
export const stamps = (t) => [new Date(t).toISOString().replace('Z', '123Z'), new Date(t + 2).toISOString().replace('Z', '456Z')];

async function writeReplay(path, targetBytes, { benign, incident }, incidentEvery) {
  const lines = benign.map(compile);
  const incidentLines = incident.map((e) => ({ auditID: e.auditID, line: compile(e) }));
  const out = createWriteStream(path);
  let bytes = 0;
  let events = 0;
  let t = Date.parse('2026-11-20T00:00:00Z');
  let chunk = [];
  let chunkBytes = 0;
  const emit = async (line, id) => {
    t += 3;
    const [received, stage] = stamps(t);
    const s = `${line(id, received, stage)}\n`;
    const n = Buffer.byteLength(s);
    bytes += n;
    chunkBytes += n;
    events++;
    chunk.push(s);
    if (chunkBytes >= 1 << 20) {
      const ok = out.write(chunk.join(''));
      chunk = [];
      chunkBytes = 0;
      if (!ok) await new Promise((r) => out.once('drain', r));
    }
  };
  while (bytes < targetBytes) {
    for (const line of lines) {
      await emit(line, randomUUID());
      if (events % incidentEvery === 0) {
        // One request's stages keep one auditID.
        const ids = new Map();
        for (const e of incidentLines) {
          if (!ids.has(e.auditID)) ids.set(e.auditID, randomUUID());
          await emit(e.line, ids.get(e.auditID));
        }
      }
      if (bytes >= targetBytes) break;
    }
  }
  out.write(chunk.join(''));
  await new Promise((r) => out.end(r));
  return { bytes, events };
}

/** Writes `targetBytes` (or a little more: whole lines) of the input `kind` to `path`. */
export async function generateInput(kind, path, targetBytes, samplesDir) {
  return writeReplay(path, targetBytes, templatesFor(kind, samplesDir), INPUTS[kind].incidentEvery);
}

/** The mixed input (the samples as logged). */
export async function generate(path, targetBytes, samplesDir) {
  return generateInput('mixed', path, targetBytes, samplesDir);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [kind = 'mixed', file, mb = '64'] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node bench/generate.js mixed|metadata|request-response FILE SIZE_MB\n');
    process.exit(2);
  }
  const r = await generateInput(kind, file, Number(mb) * 1048576, join(fileURLToPath(import.meta.url), '..', '..', 'samples'));
  process.stdout.write(`${JSON.stringify({ file, ...r, avgEventBytes: Math.round(r.bytes / r.events) })}\n`);
}
