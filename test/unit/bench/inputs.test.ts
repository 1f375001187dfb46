// The bench's generated inputs (bench/generate.js, bench/k8s-objects.js) are what they claim to be:
// Metadata level without bodies at ~1 KB, RequestResponse level with a body on every event at 3–10 KB
// on average, bodies about the object the event names, and lines that are the events' own JSON.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/events.js';

interface Ev {
  level: string;
  verb: string;
  stage: string;
  auditID: string;
  objectRef?: { resource: string; namespace?: string; name?: string; subresource?: string };
  requestObject?: { kind?: string; metadata?: { name?: string; namespace?: string } };
  responseObject?: { kind?: string; metadata?: { name?: string; namespace?: string }; items?: unknown[] };
  requestReceivedTimestamp: string;
  stageTimestamp: string;
}
interface Generate {
  templatesFor(kind: string, samplesDir: string): { benign: Ev[]; incident: Ev[] };
  compile(tpl: Ev): (id: string, received: string, stage: string) => string;
  stamps(t: number): [string, string];
}
// A plain-JS bench module: imported by a computed path so the type checker leaves it alone.
const gen = (await import(join(REPO_ROOT, 'bench/generate.js') as string)) as Generate;
const samples = join(REPO_ROOT, 'samples');
const avgBytes = (events: Ev[]) => events.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e)), 0) / events.length;

describe('bench inputs', () => {
  it('writes each line as the JSON of its event with a fresh auditID and time', () => {
    for (const kind of ['mixed', 'metadata', 'request-response']) {
      const { benign, incident } = gen.templatesFor(kind, samples);
      const [received, stage] = gen.stamps(Date.parse('2026-11-20T10:00:00Z'));
      for (const tpl of [...benign, ...incident]) {
        const line = gen.compile(tpl)('0b7c0f8e-6d35-4f2b-9a55-2d2b1e0c9a11', received, stage);
        expect(line).toBe(JSON.stringify({ ...tpl, auditID: '0b7c0f8e-6d35-4f2b-9a55-2d2b1e0c9a11', requestReceivedTimestamp: received, stageTimestamp: stage }));
      }
    }
  });

  it('Metadata level: no bodies, ~1 KB events', () => {
    const { benign, incident } = gen.templatesFor('metadata', samples);
    for (const e of [...benign, ...incident]) {
      expect(e.level).toBe('Metadata');
      expect(e.requestObject ?? e.responseObject).toBeUndefined();
    }
    expect(avgBytes(benign)).toBeGreaterThan(900);
    expect(avgBytes(benign)).toBeLessThan(1400);
  });

  it('RequestResponse level: a body on every event, 3–10 KB on average, about the object the event names', () => {
    const { benign, incident } = gen.templatesFor('request-response', samples);
    expect(benign.length).toBeGreaterThan(300);
    for (const e of benign) {
      expect(e.level).toBe('RequestResponse');
      expect(e.requestObject ?? e.responseObject).toBeDefined();
      const body = e.responseObject?.kind === 'Status' || e.responseObject?.items ? undefined : e.responseObject;
      if (body?.metadata?.name && e.objectRef?.name && !e.objectRef.subresource) expect(body.metadata.name).toBe(e.objectRef.name);
      if (body?.metadata?.namespace && e.objectRef?.namespace) expect(body.metadata.namespace).toBe(e.objectRef.namespace);
    }
    const avg = avgBytes(benign);
    expect(avg).toBeGreaterThan(3000);
    expect(avg).toBeLessThan(10_000);
    // Pods, nodes, deployments, configmaps, RBAC and list responses are all there.
    const kinds = new Set(benign.map((e) => e.responseObject?.kind ?? e.requestObject?.kind));
    for (const k of ['Pod', 'Node', 'Deployment', 'ConfigMap', 'Secret', 'Role', 'ClusterRole', 'RoleBinding', 'PodList', 'NodeList', 'ConfigMapList', 'Lease', 'Status']) expect(kinds).toContain(k);
    // The incident keeps every step, bodies or not (the exec has none).
    expect(incident.length).toBe(gen.templatesFor('mixed', samples).incident.length);
  });

  it('is the same on every run (seeded)', () => {
    const a = gen.templatesFor('request-response', samples).benign;
    const b = gen.templatesFor('request-response', samples).benign;
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});
