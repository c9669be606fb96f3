/** Where a push came from, as its Kii payload tells (docs/kii-api.md §9.4). */
export type MessageScope = 'app' | 'user' | 'thing' | 'direct' | 'unknown';

/** The table's columns of one message, derived from its payload on first use. */
export interface MessageSummary {
  /** Kii topic ID; '' for a direct push or a payload that does not say. */
  readonly topic: string;
  /** `admins/APP_ADMIN`, `users/<id>`, `things/<id>`; '' when the payload does not say. */
  readonly sender: string;
  readonly scope: MessageScope;
  /** The user or thing ID of a user/thing scope or of a direct push. */
  readonly scopeOwner: string;
  /** One line of payload text for the table. */
  readonly preview: string;
}

const PREVIEW_CHARS = 120;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

/** A payload as text, and its bytes too when they are not valid UTF-8 (shown as hex). */
export interface DecodedPayload {
  readonly text: string;
  readonly binary: Uint8Array | null;
}

/** Decodes a received payload; invalid UTF-8 keeps a copy of the bytes for the hex view. */
export function decodePayload(bytes: Uint8Array): DecodedPayload {
  try {
    return { text: utf8.decode(bytes), binary: null };
  } catch {
    return { text: lenientUtf8.decode(bytes), binary: bytes.slice() };
  }
}

/** A payload parsed for one use: not kept, so the buffer holds text and never object trees. */
export interface ParsedPayload {
  readonly isJson: boolean;
  /** The JSON value; undefined when the payload is not JSON. */
  readonly json: unknown;
  /** The Kii push payload as an object: the tap's inner `payload`, else the JSON object. */
  readonly push: Readonly<Record<string, unknown>> | undefined;
  /** The tap's routing fields (`pushMessageID`, `target`, `sender`, ...); undefined otherwise. */
  readonly routing: Readonly<Record<string, unknown>> | undefined;
}

/**
 * One received MQTT message. Intake only decodes the bytes; JSON is parsed on use (a visible
 * row, the selected row, a filter, an export) and not kept, because at thousands of messages
 * per second most rows are never looked at, and parsed objects would multiply the memory of
 * a full buffer. Only the small summary for the table is kept once worked out.
 */
export class LiveMessage {
  private summaryCache: MessageSummary | undefined;

  constructor(
    /** Arrival order across all monitors. */
    readonly seq: number,
    readonly monitorId: string,
    readonly monitorLabel: string,
    /** Epoch ms. */
    readonly receivedAt: number,
    readonly mqttTopic: string,
    readonly text: string,
    /** The bytes, only when they are not valid UTF-8. */
    readonly binary: Uint8Array | null,
    /** Payload size in bytes. */
    readonly size: number,
    /** True for the local server's tap: `text` wraps the delivered payload with its routing. */
    readonly wrapped = false,
  ) {}

  /** Parses the payload (each call parses again). */
  parse(): ParsedPayload {
    let json: unknown;
    let isJson = false;
    if (!this.binary) {
      try {
        json = JSON.parse(this.text) as unknown;
        isJson = true;
      } catch {
        // Not JSON: shown as text.
      }
    }
    if (!isObject(json)) return { isJson, json, push: undefined, routing: undefined };
    if (!this.wrapped) return { isJson, json, push: json, routing: undefined };
    return {
      isJson,
      json,
      push: isObject(json['payload']) ? json['payload'] : undefined,
      routing: json,
    };
  }

  /** Topic, sender, scope and preview for the table and the filters. */
  get summary(): MessageSummary {
    this.summaryCache ??= summarize(this);
    return this.summaryCache;
  }
}

function summarize(message: LiveMessage): MessageSummary {
  const { push, routing } = message.parse();
  const source = text(push?.['sourceURI']) || text(routing?.['target']);
  const { scope, scopeOwner } = scopeOf(push, source);
  const topic = text(push?.['topic']) || (/\/topics\/([^/]+)$/.exec(source)?.[1] ?? '');
  const senderUri = text(push?.['senderURI']) || text(routing?.['sender']);
  const sender = senderUri ? senderUri.replace(/^kiicloud:\/\//, '') : text(push?.['sender']);
  return { topic, sender, scope, scopeOwner, preview: previewOf(message, push) };
}

function scopeOf(
  push: Readonly<Record<string, unknown>> | undefined,
  source: string,
): { scope: MessageScope; scopeOwner: string } {
  switch (push?.['objectScopeType']) {
    case 'APP':
      return { scope: 'app', scopeOwner: '' };
    case 'APP_AND_USER':
      return { scope: 'user', scopeOwner: text(push['objectScopeUserID']) };
    case 'APP_AND_THING':
      return { scope: 'thing', scopeOwner: text(push['objectScopeThingID']) };
  }
  // Without the scope keys (sendObjectScope: false, or a direct push) the source URI tells.
  const match = /^kiicloud:\/\/(?:(users|things)\/([^/]+))?\/?(topics\/[^/]+)?$/.exec(source);
  if (!match) return { scope: 'unknown', scopeOwner: '' };
  const [, collection, owner = '', topic] = match;
  if (!topic)
    return collection === 'users'
      ? { scope: 'direct', scopeOwner: owner }
      : { scope: 'unknown', scopeOwner: '' };
  if (!collection) return { scope: 'app', scopeOwner: '' };
  return { scope: collection === 'users' ? 'user' : 'thing', scopeOwner: owner };
}

function previewOf(
  message: LiveMessage,
  push: Readonly<Record<string, unknown>> | undefined,
): string {
  const raw = message.wrapped && push ? JSON.stringify(push) : message.text;
  // Control characters (and newlines) would break the one-line row.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is replaced
  const line = raw.slice(0, PREVIEW_CHARS * 2).replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return line.length > PREVIEW_CHARS ? `${line.slice(0, PREVIEW_CHARS)}…` : line;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
