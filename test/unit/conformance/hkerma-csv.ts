// hkerma/kubernetes-event-dataset's audit-logs.csv: real audit events flattened by Logstash to 15
// columns, no header (see its MANIFEST.md):
//   host, requestReceivedTimestamp, user.username, verb, objectRef.resource, objectRef.subresource,
//   objectRef.name, responseObject.metadata.name, requestURI, auditID, stage, responseStatus.code,
//   responseObject.metadata.uid, ownerReferences[0].uid, responseObject.details.uid
// We rebuild Metadata-level audit events from them, reading the data in place. What the CSV dropped
// stays absent: groups, user agent, source IPs, annotations (so no authorization decision), and the
// namespace, which we recover from the request URI.

/** RFC 4180 fields: quoted fields may hold commas and doubled quotes. */
export function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c !== '"') cur += c;
      else if (line[i + 1] === '"') {
        cur += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(cur);
      cur = '';
    } else cur += c;
  }
  fields.push(cur);
  return fields;
}

export function hkermaCsvToEvents(text: string): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const f = parseCsvLine(line);
    // One truncated row in the file (10 columns) has no auditID or stage: not an event.
    if (f.length < 12) continue;
    const [, ts, user, verb, resource, subresource, name, responseName, uri, auditID, stage, code] = f as [string, string, string, string, string, string, string, string, string, string, string, string];
    const namespace = /\/namespaces\/([^/?]+)/.exec(uri)?.[1];
    const objectName = name || responseName;
    const objectRef = resource
      ? {
          resource,
          ...(subresource ? { subresource } : {}),
          ...(objectName ? { name: objectName } : {}),
          ...(namespace && resource !== 'namespaces' ? { namespace } : {}),
        }
      : undefined;
    events.push({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'Metadata',
      auditID,
      stage,
      requestURI: uri,
      verb,
      user: { username: user },
      ...(objectRef ? { objectRef } : {}),
      responseStatus: { code: Number(code) },
      requestReceivedTimestamp: ts,
      stageTimestamp: ts,
    });
  }
  return events;
}
