// "registry.example.com:5000/team/app:1.2@sha256:…" → its parts. Docker Hub short names get their
// implied registry and "library/" namespace, so allow-lists can name either form.

export interface ImageRef {
  registry: string;
  repository: string;
  /** The repository without registry: "library/nginx", "team/app". */
  path: string;
  /** The last path element: "nginx". Falco's image allow-lists compare this form. */
  name: string;
  tag?: string;
  digest?: string;
}

export function parseImage(image: string): ImageRef {
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first : 'docker.io';
  let path = hasRegistry ? rest.slice(slash + 1) : rest;
  if (registry === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  const ref: ImageRef = { registry, repository: `${registry}/${path}`, path, name: path.slice(path.lastIndexOf('/') + 1) };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}
