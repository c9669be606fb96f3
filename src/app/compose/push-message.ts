/*
 * The push message as Kii takes it (docs/kii-api.md §7.2, KiiPushMessageBuilder) and the MQTT
 * payload a receiver gets from it (§9.4): pure functions, no Angular.
 */

/** Kii's MQTT payload limit (docs/kii-api.md §9.4). */
export const MQTT_PAYLOAD_LIMIT = 4096;

/** What Kii allows as a data value: one level only, no objects or arrays. */
export type FlatValue = string | number | boolean | null;
export type FlatData = Readonly<Record<string, FlatValue>>;

/** The type of a key/value row's value. */
export type RowType = 'string' | 'number' | 'boolean' | 'null';

/** One key/value row as the operator typed it. */
export interface DataRow {
  readonly key: string;
  readonly value: string;
  readonly type: RowType;
}

/** Data being edited: as rows or as JSON text; `mode` says which one counts. */
export interface DataDraft {
  readonly mode: 'rows' | 'json';
  readonly rows: readonly DataRow[];
  readonly json: string;
}

/** Data read from a draft: the data, or what is wrong with it (then `data` is null). */
export interface DataReading {
  readonly data: FlatData | null;
  readonly problems: readonly string[];
}

/** The send* flags that choose the system keys of the delivered payload (docs/kii-api.md §7.2). */
export interface SendFlags {
  readonly sendSender: boolean;
  readonly sendWhen: boolean;
  readonly sendTopicID: boolean;
  readonly sendObjectScope: boolean;
  readonly sendAppID: boolean;
  readonly sendOrigin: boolean;
}

/** Kii's documented defaults. */
export const DEFAULT_SEND_FLAGS: SendFlags = {
  sendSender: true,
  sendWhen: false,
  sendTopicID: true,
  sendObjectScope: true,
  sendAppID: false,
  sendOrigin: false,
};

export const SEND_FLAG_NAMES = Object.keys(DEFAULT_SEND_FLAGS) as (keyof SendFlags)[];

/** The body of `POST .../push/messages`, as `KiiPushMessageBuilder.build()` makes it. */
export interface PushMessageBody extends SendFlags {
  readonly data: FlatData;
  readonly mqtt: { readonly enabled: true; readonly data?: FlatData };
  readonly gcm: { readonly enabled: false };
  readonly apns: { readonly enabled: false };
  readonly jpush: { readonly enabled: false };
  readonly sendToDevelopment: boolean;
  readonly sendToProduction: boolean;
}

/** Where a message goes, as the payload's system keys describe it. */
export type PayloadTarget =
  | { readonly kind: 'topic'; readonly topic: string; readonly scope: PayloadScope }
  | { readonly kind: 'user'; readonly userId: string };

export type PayloadScope =
  | { readonly type: 'APP' }
  | { readonly type: 'APP_AND_USER' | 'APP_AND_THING'; readonly id: string };

/** Who sends: the app admin, or a user or thing with its ID. */
export type PayloadSender =
  { readonly kind: 'admin' } | { readonly kind: 'user' | 'thing'; readonly id: string };

/** Reads the draft's data: rows or JSON, whichever `mode` says. */
export function readData(draft: DataDraft): DataReading {
  return draft.mode === 'json' ? dataFromJson(draft.json) : dataFromRows(draft.rows);
}

/** Rows to data; fully empty rows are skipped. */
export function dataFromRows(rows: readonly DataRow[]): DataReading {
  const data: Record<string, FlatValue> = {};
  const problems: string[] = [];
  rows.forEach((row, index) => {
    const key = row.key.trim();
    const n = index + 1;
    if (!key) {
      if (row.value.trim() || row.type !== 'string') {
        problems.push(
          $localize`:Data problem; N is the row number@@kpc.compose.rowNoKey:Row ${n}:N: has a value but no key.`,
        );
      }
      return;
    }
    if (key in data) {
      problems.push(
        $localize`:Data problem; KEY is a data key@@kpc.compose.duplicateKey:The key "${key}:KEY:" appears more than once.`,
      );
      return;
    }
    const value = rowValue(row);
    if (value === undefined) {
      problems.push(
        row.type === 'number'
          ? $localize`:Data problem; KEY is a data key, VALUE what was typed@@kpc.compose.notNumber:The value of "${key}:KEY:" is not a number: ${row.value}:VALUE:`
          : $localize`:Data problem; KEY is a data key@@kpc.compose.notBoolean:The value of "${key}:KEY:" must be true or false.`,
      );
      return;
    }
    data[key] = value;
  });
  return problems.length ? { data: null, problems } : { data, problems };
}

/** JSON text to data: a JSON object whose values are all flat. Empty text is no data. */
export function dataFromJson(text: string): DataReading {
  if (!text.trim()) return { data: {}, problems: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      data: null,
      problems: [
        $localize`:Data problem; REASON is the JSON parser's message@@kpc.compose.badJson:This is not valid JSON: ${reason}:REASON:`,
      ],
    };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return {
      data: null,
      problems: [
        $localize`:Data problem@@kpc.compose.notObject:The data must be a JSON object, such as {"message": "hello"}.`,
      ],
    };
  }
  const problems = Object.entries(parsed)
    .filter(([, value]) => typeof value === 'object' && value !== null)
    .map(
      ([key]) =>
        $localize`:Data problem; KEY is a data key@@kpc.compose.nested:"${key}:KEY:" holds an object or an array. Kii accepts only flat values: text, numbers, true, false and null.`,
    );
  return problems.length ? { data: null, problems } : { data: parsed as FlatData, problems };
}

/** Data to rows, typed by value. */
export function rowsFromData(data: FlatData): DataRow[] {
  return Object.entries(data).map(([key, value]) => ({
    key,
    value: value === null ? '' : String(value),
    type: value === null ? 'null' : (typeof value as RowType),
  }));
}

/** Data as indented JSON text. */
export function jsonFromData(data: FlatData): string {
  return JSON.stringify(data, null, 2);
}

/** The request body; MQTT only, the other networks switched off. */
export function buildPushBody(options: {
  data: FlatData;
  mqttData: FlatData | null;
  development: boolean;
  production: boolean;
  flags: SendFlags;
}): PushMessageBody {
  return {
    data: options.data,
    mqtt: options.mqttData ? { enabled: true, data: options.mqttData } : { enabled: true },
    gcm: { enabled: false },
    apns: { enabled: false },
    jpush: { enabled: false },
    sendToDevelopment: options.development,
    sendToProduction: options.production,
    ...pickFlags(options.flags),
  };
}

/**
 * The JSON object an MQTT receiver gets for this message, built the way Kii describes it
 * (docs/kii-api.md §9.4) and the local server builds it: the data (or `mqtt.data`) at the top
 * level, then the system keys the send* flags ask for.
 */
export function mqttPayload(
  body: PushMessageBody,
  target: PayloadTarget,
  appId: string,
  sender: PayloadSender,
  now: number,
): Record<string, unknown> {
  const payload: Record<string, unknown> = { ...(body.mqtt.data ?? body.data) };
  if (body.sendAppID) payload['appID'] = appId;
  if (body.sendSender) {
    if (sender.kind !== 'admin') payload['sender'] = sender.id;
    payload['senderURI'] =
      sender.kind === 'admin'
        ? 'kiicloud://admins/APP_ADMIN'
        : `kiicloud://${sender.kind}s/${sender.id}`;
  }
  if (body.sendOrigin) payload['origin'] = 'EXPLICIT';
  if (body.sendWhen) payload['when'] = now;
  if (target.kind === 'user') {
    payload['sourceURI'] = `kiicloud://users/${target.userId}`;
    return payload;
  }
  const { scope, topic } = target;
  const collection = scope.type === 'APP_AND_USER' ? 'users' : 'things';
  const owner = scope.type === 'APP' ? '' : `${collection}/${scope.id}/`;
  payload['sourceURI'] = `kiicloud://${owner}topics/${topic}`;
  if (body.sendTopicID) payload['topic'] = topic;
  if (body.sendObjectScope) {
    payload['objectScopeAppID'] = appId;
    payload['objectScopeType'] = scope.type;
    if (scope.type === 'APP_AND_USER') payload['objectScopeUserID'] = scope.id;
    if (scope.type === 'APP_AND_THING') payload['objectScopeThingID'] = scope.id;
  }
  return payload;
}

/** Size in bytes of the payload as UTF-8 JSON, which is what Kii's limit counts. */
export function payloadBytes(payload: unknown): number {
  return new TextEncoder().encode(JSON.stringify(payload)).length;
}

function rowValue(row: DataRow): FlatValue | undefined {
  switch (row.type) {
    case 'string':
      return row.value;
    case 'null':
      return null;
    case 'number': {
      const text = row.value.trim();
      const value = Number(text);
      return text && Number.isFinite(value) ? value : undefined;
    }
    case 'boolean': {
      const text = row.value.trim().toLowerCase();
      return text === 'true' ? true : text === 'false' ? false : undefined;
    }
  }
}

function pickFlags(flags: SendFlags): SendFlags {
  const entries = SEND_FLAG_NAMES.map((name) => [name, flags[name]]);
  return Object.fromEntries(entries) as unknown as SendFlags;
}
