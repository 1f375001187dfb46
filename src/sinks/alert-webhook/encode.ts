// Request bodies for the alert webhook. `json`: the alert document itself (DESIGN.md §3), one per
// request. `slack`: a Slack incoming-webhook message (`text` in Slack's mrkdwn, which Mattermost,
// Rocket.Chat and Discord's /slack endpoint also accept), with a link to Kibana when there is one.
import type { Alert, Severity } from '../../core/alert.js';

type Linked = Alert & { k8s_audit?: { query?: string; discover_url?: string } };

const ICON: Record<Severity, string> = { critical: ':red_circle:', high: ':large_orange_circle:', medium: ':large_yellow_circle:', low: ':white_circle:' };

/** Slack's mrkdwn treats &, < and > as control characters (api.slack.com/reference/surfaces/formatting#escaping). */
export const slackEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function slackText(a: Linked): string {
  const lines = [`${ICON[a.rule.severity]} *${a.rule.severity.toUpperCase()}* ${slackEscape(a.rule.name)} (\`${a.rule.id}\`)`, slackEscape(a.message)];
  const where = [`cluster ${a.orchestrator.cluster.name}`];
  if (a.source?.ip.length) where.push(`from ${a.source.ip.join(', ')}`);
  where.push(`at ${a['@timestamp']}`);
  lines.push(slackEscape(where.join(' · ')));
  if (a.k8s_audit?.discover_url) lines.push(`<${a.k8s_audit.discover_url}|Open the events in Kibana>`);
  else if (a.k8s_audit?.query) lines.push(`Events: \`${slackEscape(a.k8s_audit.query)}\``);
  return lines.join('\n');
}

export function encodeAlert(a: Alert, encoding: 'json' | 'slack'): string {
  return encoding === 'slack' ? JSON.stringify({ text: slackText(a) }) : JSON.stringify(a);
}
