import { KiiHttpError, kiiErrors } from '../errors';

/**
 * Limits on the JSON a client may store as a user's or thing's own fields, checked before
 * anything is written, and the defensive read of what is already stored.
 *
 * Size: Kii allows 63 KB of custom fields (docs/kii-api.md §4.3), measured here as the UTF-8
 * bytes of their JSON. Depth: Kii names no limit; 64 levels of objects and arrays is far beyond
 * any real profile, and far below the few thousand at which the recursive JSON.stringify, the
 * response serializer and escapePercent overflow the stack.
 */
export const MAX_CUSTOM_FIELDS_BYTES = 63 * 1024;
export const MAX_JSON_DEPTH = 64;

/**
 * True when raw JSON text nests objects and arrays deeper than `limit`. A linear scan that
 * skips string contents, for a body parser to refuse such text before JSON.parse and everything
 * after it sees it. Malformed text is left to the parser.
 */
export function jsonTextTooDeep(text: string, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return false;
}

/** The error for a field (or a whole body) that nests deeper than `limit`. */
export function tooDeepError(field = 'body', limit = MAX_JSON_DEPTH): KiiHttpError {
  return kiiErrors.invalid(field, `must not nest objects and arrays deeper than ${limit}`);
}

/**
 * True when a parsed value nests deeper than `limit` (a scalar is depth 0, `{}` depth 1).
 * Iterative, so a value deep enough to overflow a recursive walk is measured safely.
 */
export function nestsDeeperThan(value: unknown, limit = MAX_JSON_DEPTH): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [item, depth] = pending.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth + 1 > limit) return true;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return false;
}

/**
 * Refuses custom fields too deep (400 INVALID_INPUT_DATA naming the field) or too large
 * (413 REQUEST_ENTITY_TOO_LARGE) for Kii. Call before anything is stored.
 */
export function checkCustomFields(fields: Record<string, unknown>): void {
  // The fields object itself is one level, as in the request body it came from.
  for (const [name, value] of Object.entries(fields)) {
    if (nestsDeeperThan(value, MAX_JSON_DEPTH - 1)) throw tooDeepError(name);
  }
  const bytes = Buffer.byteLength(JSON.stringify(fields));
  if (bytes > MAX_CUSTOM_FIELDS_BYTES) {
    throw new KiiHttpError(
      413,
      'REQUEST_ENTITY_TOO_LARGE',
      `Custom fields take ${bytes} bytes; Kii allows ${MAX_CUSTOM_FIELDS_BYTES}`,
      { limit: MAX_CUSTOM_FIELDS_BYTES, size: bytes },
    );
  }
}

export type ReservedFieldType = 'string' | 'number';

/**
 * Refuses `_`-prefixed fields the client may not set, and those of the wrong type, with 400
 * INVALID_INPUT_DATA naming the field: a server-owned field such as `_onlineStatusModifiedAt`
 * stored from a client would break every later answer that carries it.
 */
export function checkReservedFields(
  fields: Record<string, unknown>,
  allowed: ReadonlyMap<string, ReservedFieldType>,
): void {
  for (const [name, value] of Object.entries(fields)) {
    if (!name.startsWith('_')) continue;
    const type = allowed.get(name);
    if (type === undefined) throw kiiErrors.invalid(name, 'is not a field a client may set');
    if (!hasType(value, type)) throw kiiErrors.invalid(name, `must be a ${type}`);
  }
}

function hasType(value: unknown, type: ReservedFieldType): boolean {
  return type === 'number'
    ? typeof value === 'number' && Number.isFinite(value)
    : typeof value === type;
}

/**
 * Reads stored fields defensively, so no row can make a read fail: text that does not parse
 * as an object gives `{}`, and a field is dropped when `keep` refuses it or it nests too deep
 * (rows written before these checks existed may hold either).
 */
export function readStoredFields(
  json: string,
  keep: (name: string, value: unknown) => boolean = () => true,
): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return {};
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  return Object.fromEntries(
    Object.entries(parsed).filter(
      ([name, value]) => keep(name, value) && !nestsDeeperThan(value, MAX_JSON_DEPTH - 1),
    ),
  );
}

/** A `keep` for readStoredFields: plain custom fields, and reserved ones of the allowed type. */
export function isStorableField(allowed: ReadonlyMap<string, ReservedFieldType>) {
  return (name: string, value: unknown): boolean => {
    if (!name.startsWith('_')) return true;
    const type = allowed.get(name);
    return type !== undefined && hasType(value, type);
  };
}
