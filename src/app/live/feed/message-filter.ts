import { LiveMessage } from './live-message';

/** What the operator typed into a monitor's filter fields; empty fields match everything. */
export interface MessageFilter {
  /** Case-insensitive text anywhere in the payload. */
  readonly text: string;
  /** Kii topic IDs (or MQTT topics), separated by commas or spaces; `*` matches any run. */
  readonly topic: string;
  /** `key=value` pairs on the payload's top-level keys, all of which must hold. */
  readonly fields: string;
}

export const NO_FILTER: MessageFilter = { text: '', topic: '', fields: '' };

/** A filter ready to test messages, or the reason it cannot be used. */
export type CompiledFilter =
  | {
      readonly ok: true;
      readonly active: boolean;
      readonly matches: (message: LiveMessage) => boolean;
    }
  | { readonly ok: false; readonly error: string };

interface FieldTerm {
  readonly key: string;
  readonly value: string;
}

// key=value, key="value with spaces", key= (empty value).
const FIELD_TERM = /^([^\s="]+)=(?:"([^"]*)"|(\S*))/;

/** True when no field restricts anything. */
export function isEmptyFilter(filter: MessageFilter): boolean {
  return !filter.text.trim() && !filter.topic.trim() && !filter.fields.trim();
}

/**
 * Compiles a filter: all fields must match. Topics match the payload's Kii topic ID (or the
 * MQTT topic) and any listed topic will do; `key=value` compares the value's text exactly
 * (`count=3`, `flag=true`, `gone=null`), so nothing is parsed more than once per message.
 */
export function compileFilter(filter: MessageFilter): CompiledFilter {
  const text = filter.text.trim().toLowerCase();
  const topics = filter.topic
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(topicPattern);
  const fields = parseFields(filter.fields);
  if (typeof fields === 'string') return { ok: false, error: fields };
  const active = Boolean(text) || topics.length > 0 || fields.length > 0;
  return {
    ok: true,
    active,
    matches: (message) =>
      (!text || message.text.toLowerCase().includes(text)) &&
      (topics.length === 0 || matchesTopic(message, topics)) &&
      (fields.length === 0 || matchesFields(message, fields)),
  };
}

function parseFields(input: string): FieldTerm[] | string {
  const terms: FieldTerm[] = [];
  let rest = input.trim();
  while (rest) {
    const match = FIELD_TERM.exec(rest);
    if (!match) {
      const word = rest.split(/\s+/)[0];
      return $localize`:Error under the payload filter field; TERM is what the operator typed@@kpc.live.filterFieldsError:"${word}:TERM:" is not key=value. Write pairs like severity=warning or title="New feature".`;
    }
    terms.push({ key: match[1], value: match[2] ?? match[3] });
    rest = rest.slice(match[0].length).trimStart();
  }
  return terms;
}

function topicPattern(topic: string): RegExp {
  const escaped = topic.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

function matchesTopic(message: LiveMessage, topics: readonly RegExp[]): boolean {
  const topic = message.summary.topic;
  return topics.some(
    (pattern) => (topic !== '' && pattern.test(topic)) || pattern.test(message.mqttTopic),
  );
}

function matchesFields(message: LiveMessage, terms: readonly FieldTerm[]): boolean {
  const { push, routing } = message.parse();
  if (!push && !routing) return false;
  return terms.every(({ key, value }) => {
    // The delivered payload first; for the tap its routing (pushMessageID, target, ...) too.
    const found = push && key in push ? push[key] : routing?.[key];
    if (found === undefined) return false;
    return valueText(found) === value;
  });
}

function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return String(value);
  return JSON.stringify(value);
}
