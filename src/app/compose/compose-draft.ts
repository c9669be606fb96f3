import { formatNumber } from '@angular/common';

import { TOPIC_NAME_PATTERN } from '../core/kii/topic-scope';
import {
  DEFAULT_SEND_FLAGS,
  DataDraft,
  FlatData,
  MQTT_PAYLOAD_LIMIT,
  PayloadSender,
  PayloadTarget,
  PushMessageBody,
  SendFlags,
  buildPushBody,
  mqttPayload,
  payloadBytes,
  readData,
} from './push-message';
import { TargetDraft, estimatedTarget, needsTopic, ownerKind } from './push-target';

/** Everything on the Compose page, as typed: kept across navigation and reloads of the tab. */
export interface PushDraft {
  readonly target: TargetDraft;
  readonly data: DataDraft;
  /** `mqtt.data`: data only MQTT receivers get instead of `data`. */
  readonly mqttData: DataDraft & { readonly enabled: boolean };
  readonly development: boolean;
  readonly production: boolean;
  readonly flags: SendFlags;
}

export const EMPTY_DATA: DataDraft = {
  mode: 'rows',
  rows: [{ key: '', value: '', type: 'string' }],
  json: '',
};

export const DEFAULT_DRAFT: PushDraft = {
  target: { kind: 'app-topic', by: 'name', owner: '', topic: '' },
  data: { mode: 'rows', rows: [{ key: 'message', value: '', type: 'string' }], json: '' },
  mqttData: { ...EMPTY_DATA, enabled: false },
  development: true,
  production: true,
  flags: DEFAULT_SEND_FLAGS,
};

/** What the draft would send, or why it cannot be sent. */
export interface DraftCheck {
  /** Everything wrong, in the order of the page; empty when the draft can be sent. */
  readonly problems: readonly string[];
  /** The body, when the data and options are valid (the target may still be incomplete). */
  readonly body: PushMessageBody | null;
  /** Size of the MQTT payload; an estimate until the owner's ID is known. */
  readonly bytes: number | null;
  readonly tooLarge: boolean;
}

/** Checks the whole draft; the payload size is estimated for the typed target. */
export function checkDraft(
  draft: PushDraft,
  appId: string,
  sender: PayloadSender,
  now: number,
  /** The console's LOCALE_ID: byte counts in problems are grouped as its language writes them. */
  locale: string,
): DraftCheck {
  const problems = [...targetProblems(draft.target)];
  const data = readData(draft.data);
  problems.push(...data.problems);
  const mqtt = draft.mqttData.enabled ? readData(draft.mqttData) : { data: null, problems: [] };
  problems.push(
    ...mqtt.problems.map(
      (problem) =>
        $localize`:Prefix of a problem in mqtt.data; PROBLEM is the problem@@kpc.compose.mqttProblem:MQTT data: ${problem}:PROBLEM:`,
    ),
  );
  if (!draft.development && !draft.production) {
    problems.push(
      $localize`:Problem when no environment is chosen@@kpc.compose.noEnvironment:Choose development, production or both.`,
    );
  }
  if (!data.data || (draft.mqttData.enabled && !mqtt.data)) {
    return { problems, body: null, bytes: null, tooLarge: false };
  }
  const body = bodyOf(draft, data.data, mqtt.data);
  const bytes = sizeOf(body, estimatedTarget(draft.target), appId, sender, now);
  const tooLarge = bytes > MQTT_PAYLOAD_LIMIT;
  if (tooLarge) problems.push(tooLargeText(bytes, locale));
  return { problems, body, bytes, tooLarge };
}

/** The exact size once the target is confirmed. */
export function sizeOf(
  body: PushMessageBody,
  target: PayloadTarget,
  appId: string,
  sender: PayloadSender,
  now: number,
): number {
  return payloadBytes(mqttPayload(body, target, appId, sender, now));
}

/** "The MQTT payload would be 5,120 bytes; Kii allows at most 4,096. Nothing was sent…" */
export function tooLargeText(bytes: number, locale: string): string {
  const size = formatNumber(bytes, locale, '1.0-0');
  const limit = formatNumber(MQTT_PAYLOAD_LIMIT, locale, '1.0-0');
  return $localize`:Problem when the MQTT payload is over Kii's limit; SIZE and LIMIT are byte counts@@kpc.compose.tooLarge:The MQTT payload would be ${size}:SIZE: bytes; Kii allows at most ${limit}:LIMIT:. Shorten or remove data.`;
}

function bodyOf(draft: PushDraft, data: FlatData, mqttData: FlatData | null): PushMessageBody {
  return buildPushBody({
    data,
    mqttData,
    development: draft.development,
    production: draft.production,
    flags: draft.flags,
  });
}

function targetProblems(target: TargetDraft): string[] {
  const problems: string[] = [];
  const owner = ownerKind(target.kind);
  if (owner && !target.owner.trim()) {
    problems.push(
      owner === 'user'
        ? $localize`:Problem when no user is named@@kpc.compose.noUser:Name the user.`
        : $localize`:Problem when no thing is named@@kpc.compose.noThing:Name the thing.`,
    );
  }
  if (needsTopic(target.kind)) {
    const topic = target.topic.trim();
    if (!topic) {
      problems.push(
        $localize`:Problem when no topic is named@@kpc.compose.noTopic:Name the topic.`,
      );
    } else if (!TOPIC_NAME_PATTERN.test(topic)) {
      problems.push(
        $localize`:Problem with a topic name@@kpc.compose.badTopic:A topic name has only letters, digits, _ and -, up to 64.`,
      );
    }
  }
  return problems;
}
