// kubectl exec sends the command as repeated `command=` query parameters on the exec URI:
//   /api/v1/namespaces/shop/pods/web-1/exec?command=sh&command=-c&command=curl%20…&container=web&stdin=true
// Elastic's ES|QL rules decode this at query time; we decode once, here.

export function execCommand(requestURI: string): string[] {
  const q = requestURI.indexOf('?');
  if (q < 0) return [];
  const parts: string[] = [];
  for (const pair of requestURI.slice(q + 1).split('&')) {
    if (!pair.startsWith('command=')) continue;
    parts.push(decode(pair.slice('command='.length)));
  }
  return parts;
}

export function execContainer(requestURI: string): string | undefined {
  const m = /[?&]container=([^&]*)/.exec(requestURI);
  return m ? decode(m[1]!) : undefined;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}
