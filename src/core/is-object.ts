/** A JSON object (not null, not an array): the shape test every stage makes on untrusted input. */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
