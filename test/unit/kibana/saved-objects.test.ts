// The Kibana saved objects (kibana/k8s-audit.ndjson) against our index templates: every field a
// visualization, saved search or data view names exists in EVENT_MAPPINGS or ALERT_MAPPINGS, with a
// type its operation can use — so the dashboards do not open on "field not found" or a red panel
// after a template change. Also: the file is what kibana/generate.mjs produces, and every
// reference resolves inside the file.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALERT_MAPPINGS, EVENT_MAPPINGS } from '../../../src/sinks/elasticsearch/templates.js';
import { REPO_ROOT } from '../../helpers/events.js';

interface SavedObject {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  references: { type: string; id: string; name: string }[];
}
interface LensColumn {
  operationType: string;
  sourceField?: string;
  dataType: string;
}

const objects = readFileSync(join(REPO_ROOT, 'kibana/k8s-audit.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SavedObject);
const byId = new Map(objects.map((o) => [`${o.type}:${o.id}`, o]));
const MAPPINGS: Record<string, { properties: Record<string, unknown> }> = { 'k8s-audit-events': EVENT_MAPPINGS, 'k8s-audit-alerts': ALERT_MAPPINGS };

/** The mapped type of a dotted field, or undefined when it is not mapped (or not indexed). */
function fieldType(mappings: { properties: Record<string, unknown> }, field: string): string | undefined {
  let node: Record<string, unknown> | undefined = mappings as unknown as Record<string, unknown>;
  for (const part of field.split('.')) {
    const props = node?.properties as Record<string, Record<string, unknown>> | undefined;
    node = props?.[part];
    if (!node || node.enabled === false) return undefined;
  }
  return (node?.type as string | undefined) ?? (node?.properties ? 'object' : undefined);
}

const OPERATION_TYPES: Record<string, string[]> = {
  date_histogram: ['date'],
  terms: ['keyword', 'ip', 'long', 'integer', 'boolean'],
  max: ['date', 'long', 'integer'],
  min: ['date', 'long', 'integer'],
  sum: ['long', 'integer'],
  unique_count: ['keyword', 'ip', 'long', 'integer'],
};
const DATA_TYPES: Record<string, string[]> = { string: ['keyword'], ip: ['ip'], number: ['long', 'integer'], date: ['date'], boolean: ['boolean'] };

/** Field names in a KQL query (quoted values removed first: "system:anonymous" is not a field). */
function kqlFields(kql: string): string[] {
  return [...kql.replace(/"(?:[^"\\]|\\.)*"/g, '""').matchAll(/([A-Za-z_@][\w.@/-]*)\s*:/g)].map((m) => m[1]!);
}

function dataViewOf(o: SavedObject): string {
  const ref = o.references.find((r) => r.type === 'index-pattern');
  expect(ref, `${o.id} names no data view`).toBeDefined();
  expect(MAPPINGS[ref!.id], `${o.id}: unknown data view ${ref!.id}`).toBeDefined();
  return ref!.id;
}

/** [object id, where, field, problem] for every field reference that does not fit the mapping. */
function problems(): string[] {
  const out: string[] = [];
  const check = (o: SavedObject, dv: string, where: string, field: string, allowed?: string[]) => {
    const t = fieldType(MAPPINGS[dv]!, field);
    if (t === undefined) out.push(`${o.id}: ${where}: ${field} is not in the ${dv} mapping`);
    else if (t === 'object') out.push(`${o.id}: ${where}: ${field} is an object, not a field`);
    else if (allowed && !allowed.includes(t)) out.push(`${o.id}: ${where}: ${field} is ${t}; needs ${allowed.join(' or ')}`);
  };
  for (const o of objects) {
    if (o.type === 'index-pattern') {
      check(o, o.id, 'timeFieldName', o.attributes.timeFieldName as string, ['date']);
      for (const f of Object.keys(JSON.parse(o.attributes.fieldFormatMap as string) as object)) check(o, o.id, 'fieldFormatMap', f);
    }
    if (o.type === 'lens') {
      const dv = dataViewOf(o);
      const state = o.attributes.state as { query: { query: string }; datasourceStates: { formBased: { layers: Record<string, { columns: Record<string, LensColumn> }> } } };
      for (const f of kqlFields(state.query.query)) check(o, dv, 'query', f);
      for (const [layerId, layer] of Object.entries(state.datasourceStates.formBased.layers)) {
        expect(o.references.map((r) => r.name)).toContain(`indexpattern-datasource-layer-${layerId}`);
        for (const [id, c] of Object.entries(layer.columns)) {
          if (c.operationType === 'count') continue;
          check(o, dv, `column ${id} (${c.operationType})`, c.sourceField ?? '(none)', OPERATION_TYPES[c.operationType] ?? ['(unsupported operation)']);
          const t = fieldType(MAPPINGS[dv]!, c.sourceField ?? '');
          if (t && !(c.operationType === 'max' || c.operationType === 'min' || c.operationType === 'sum') && !DATA_TYPES[c.dataType]?.includes(t)) out.push(`${o.id}: column ${id} says dataType ${c.dataType} but ${c.sourceField} is ${t}`);
        }
      }
    }
    if (o.type === 'search') {
      const dv = dataViewOf(o);
      const source = JSON.parse((o.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string }).searchSourceJSON) as { query: { query: string } };
      for (const f of kqlFields(source.query.query)) check(o, dv, 'query', f);
      for (const f of o.attributes.columns as string[]) check(o, dv, 'column', f);
      for (const [f] of o.attributes.sort as [string, string][]) check(o, dv, 'sort', f, ['date', 'keyword', 'long', 'integer']);
    }
  }
  return out;
}

describe('Kibana saved objects', () => {
  it('are what kibana/generate.mjs writes', () => {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'kibana/generate.mjs'), '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('ship a data view for events and one for alerts, and the five dashboards', () => {
    expect(objects.filter((o) => o.type === 'index-pattern').map((o) => o.attributes.title)).toEqual(['k8s-audit-events-*', 'k8s-audit-alerts-*']);
    expect(objects.filter((o) => o.type === 'dashboard').map((o) => o.attributes.title)).toEqual([
      'Kubernetes audit: Who did what',
      'Kubernetes audit: Privileged changes and RBAC',
      'Kubernetes audit: Deletions',
      'Kubernetes audit: Access denied and anonymous',
      'Kubernetes audit: Alerts',
    ]);
    expect(new Set(objects.map((o) => `${o.type}:${o.id}`)).size).toBe(objects.length);
  });

  it('reference only fields our index templates map, with types their visualizations can use', () => {
    expect(problems()).toEqual([]);
  });

  it('catches a field the mapping lacks and a terms split on a text field', () => {
    const kql = kqlFields('user.name:"system:anonymous" and k8s_audit.actor.kind:anonymous');
    expect(kql).toEqual(['user.name', 'k8s_audit.actor.kind']);
    expect(fieldType(EVENT_MAPPINGS, 'no.such.field')).toBeUndefined();
    expect(fieldType(EVENT_MAPPINGS, 'message')).toBe('text');
    expect(OPERATION_TYPES.terms).not.toContain('text');
    expect(fieldType(ALERT_MAPPINGS, 'evidence.user')).toBeUndefined();
  });

  it('resolve every dashboard panel to an object in the file', () => {
    for (const d of objects.filter((o) => o.type === 'dashboard')) {
      const panels = JSON.parse(d.attributes.panelsJSON as string) as { panelIndex: string; panelRefName: string; type: string; gridData: { x: number; w: number } }[];
      expect(panels.length).toBeGreaterThan(3);
      for (const p of panels) {
        const ref = d.references.find((r) => r.name === `${p.panelIndex}:${p.panelRefName}`);
        expect(ref, `${d.id}: panel ${p.panelIndex}`).toBeDefined();
        expect(byId.get(`${ref!.type}:${ref!.id}`), `${d.id}: ${ref!.type} ${ref!.id}`).toBeDefined();
        expect(p.type).toBe(ref!.type);
        expect(p.gridData.x + p.gridData.w).toBeLessThanOrEqual(48);
      }
    }
  });
});
