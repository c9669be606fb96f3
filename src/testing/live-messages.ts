import { LiveMessage, decodePayload } from '../app/live/feed/live-message';
import { FAKE_CLOCK_START } from './fake-live-clock';

/** A Kii topic push payload as the local server builds it (docs/kii-api.md §9.4). */
export function topicPayload(topic: string, data: Record<string, unknown> = {}): string {
  return JSON.stringify({
    ...data,
    senderURI: 'kiicloud://admins/APP_ADMIN',
    when: FAKE_CLOCK_START,
    sourceURI: `kiicloud://topics/${topic}`,
    topic,
    objectScopeAppID: 'demoapp',
    objectScopeType: 'APP',
  });
}

let seq = 0;

/** A received message for specs; `payload` is text or raw bytes. */
export function liveMessage(
  payload: string | Uint8Array,
  init: Partial<{
    seq: number;
    monitorId: string;
    monitorLabel: string;
    receivedAt: number;
    mqttTopic: string;
    wrapped: boolean;
  }> = {},
): LiveMessage {
  const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  const { text, binary } = decodePayload(bytes);
  return new LiveMessage(
    init.seq ?? ++seq,
    init.monitorId ?? 'm1',
    init.monitorLabel ?? 'All traffic',
    init.receivedAt ?? FAKE_CLOCK_START,
    init.mqttTopic ?? 'mqtt-topic-1',
    text,
    binary,
    bytes.byteLength,
    init.wrapped ?? false,
  );
}
