import type { ObjectReference } from './audit-event.js';

export type Severity = 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export interface RuleReferences {
  falco?: string | string[];
  elastic?: string | string[];
  sigma?: string | string[];
}

/** The alert document (DESIGN.md §3). Nested objects; dotted names in the design are paths. */
export interface Alert {
  '@timestamp': string;
  alert: { id: string; count: number };
  rule: {
    id: string;
    name: string;
    severity: Severity;
    mitre: string[];
    references: RuleReferences;
    tags: string[];
    description: string;
  };
  user: { name: string; effective?: { name: string } };
  event: { action: string; kind: 'alert' };
  kubernetes: { audit: { auditID: string; stage: string; objectRef: ObjectReference | null; requestURI: string } };
  orchestrator: { cluster: { name: string } };
  source?: { ip: string[] };
  user_agent?: { original: string };
  message: string;
  /** The event fields the rule's conditions read, with their values: why it fired. */
  evidence: Record<string, unknown>;
  /** Windowed alerts: every contributing auditID. */
  related?: { audit_ids: string[] };
}
