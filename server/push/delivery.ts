import type { Principal } from '../auth';
import { kiiErrors } from '../errors';
import { newId } from '../ids';
import type { PushWriter } from '../broker/push-broker';
import type { InstallationRepository } from '../repositories/installations';
import type { DeliveryRepository, Scope, Subscriber } from '../repositories/topics';
import type { DeliveryLedger } from './delivery-ledger';

/** Kii's MQTT payload limit (docs/kii-api.md §9.4). */
export const MAX_MQTT_PAYLOAD_BYTES = 4096;

/** The body `KiiPushMessageBuilder.build()` produces, plus the send* flags (docs/kii-api.md §7.2). */
export interface PushMessage {
  data?: Record<string, unknown>;
  mqtt?: { enabled?: boolean; data?: Record<string, unknown> };
  sendToDevelopment?: boolean;
  sendToProduction?: boolean;
  sendAppID?: boolean;
  sendSender?: boolean;
  sendWhen?: boolean;
  sendOrigin?: boolean;
  sendObjectScope?: boolean;
  sendTopicID?: boolean;
  pushMessageType?: string;
  [network: string]: unknown;
}

/** What a message is sent to: a topic in some scope, or one user directly. */
export type PushTarget =
  { kind: 'topic'; scope: Scope; topicId: string } | { kind: 'direct'; userId: string };

const scopeKeys: Record<Scope['type'], string | null> = {
  APP: null,
  APP_AND_USER: 'objectScopeUserID',
  APP_AND_THING: 'objectScopeThingID',
  APP_AND_GROUP: 'objectScopeGroupID',
};

const scopePaths: Record<Scope['type'], string> = {
  APP: '',
  APP_AND_USER: 'users/',
  APP_AND_THING: 'things/',
  APP_AND_GROUP: 'groups/',
};

export function targetUri(target: PushTarget): string {
  if (target.kind === 'direct') return `kiicloud://users/${target.userId}`;
  const { scope, topicId } = target;
  return `kiicloud://${scope.type === 'APP' ? '' : scopePaths[scope.type] + scope.id + '/'}topics/${topicId}`;
}

function senderUri(principal: Principal): string {
  if (principal.type === 'admin') return 'kiicloud://admins/APP_ADMIN';
  if (principal.type === 'anonymous') return 'kiicloud://anonymous';
  return `kiicloud://${principal.type}s/${principal.id}`;
}

/** Data values must be flat: Kii allows one level of keys only (docs/kii-api.md §7.2). */
function checkFlat(field: string, data: Record<string, unknown> | undefined) {
  for (const [key, value] of Object.entries(data ?? {})) {
    if (value !== null && typeof value === 'object')
      throw kiiErrors.invalid(`${field}.${key}`, 'must not be an object or an array');
  }
}

/**
 * Builds the JSON an MQTT receiver gets: the long system keys of Kii's Android Javadoc, each
 * honouring its send* flag, plus the message's data (or mqtt.data) at the top level.
 * System keys are written last so a data key cannot forge the sender or the scope.
 */
export function buildPayload(
  appId: string,
  message: PushMessage,
  target: PushTarget,
  sender: Principal,
  now: number,
) {
  checkFlat('data', message.data);
  checkFlat('mqtt.data', message.mqtt?.data);
  const payload: Record<string, unknown> = { ...(message.mqtt?.data ?? message.data ?? {}) };
  if (message.sendAppID === true) payload.appID = appId;
  if (message.sendSender !== false && sender.type !== 'anonymous') {
    if (sender.type !== 'admin') payload.sender = sender.id;
    payload.senderURI = senderUri(sender);
  }
  if (message.sendOrigin === true) payload.origin = 'EXPLICIT';
  // The builder never sets sendWhen, yet Kii's MQTT payloads were observed with `when`
  // (docs/kii-api.md §9.4, UNCONFIRMED): send it unless it is switched off explicitly.
  if (message.sendWhen !== false) payload.when = now;
  if (message.pushMessageType) payload.type = message.pushMessageType;
  payload.sourceURI = targetUri(target);
  if (target.kind === 'topic') {
    if (message.sendTopicID !== false) payload.topic = target.topicId;
    if (message.sendObjectScope !== false) {
      payload.objectScopeAppID = appId;
      payload.objectScopeType = target.scope.type;
      const key = scopeKeys[target.scope.type];
      if (key) payload[key] = target.scope.id;
    }
  }
  const bytes = Buffer.from(JSON.stringify(payload));
  if (bytes.length > MAX_MQTT_PAYLOAD_BYTES) {
    throw kiiErrors.invalid(
      'data',
      `the MQTT payload is ${bytes.length} bytes; at most ${MAX_MQTT_PAYLOAD_BYTES} are allowed`,
    );
  }
  return bytes;
}

/**
 * What a delivery tap receives for each push (a local-server extension): the message as the
 * installations got it, wrapped with where it went.
 */
function tapMessage(
  pushMessageID: string,
  meta: { target: string; sender: string },
  recipients: number,
  payload: Buffer,
  sentAt: number,
): Buffer {
  return Buffer.from(
    JSON.stringify({
      pushMessageID,
      target: meta.target,
      sender: meta.sender,
      recipients,
      sentAt,
      payload: JSON.parse(payload.toString('utf8')),
    }),
  );
}

/**
 * Delivers push messages: to every MQTT installation of every recipient whose environment
 * the message allows; records the delivery log and each installation's outcome in the ledger
 * (docs/kii-api.md §13.1), and feeds the taps.
 */
export function createDelivery(deps: {
  appId: string;
  /** The broker, or on a cluster's API node the router in front of it (docs/scale-out.md). */
  broker: PushWriter;
  installations: InstallationRepository;
  deliveries: DeliveryRepository;
  ledger: DeliveryLedger;
}) {
  return {
    /** Per-push outcomes per installation (docs/kii-api.md §13.1). */
    ledger: deps.ledger,
    send(message: PushMessage, target: PushTarget, recipients: Subscriber[], sender: Principal) {
      const now = Date.now();
      const payload = buildPayload(deps.appId, message, target, sender, now);
      const pushMessageID = newId.pushMessage();
      const toDevelopment = message.sendToDevelopment !== false;
      const toProduction = message.sendToProduction !== false;
      const mqttEnabled = message.mqtt?.enabled !== false;
      const trace = deps.ledger.begin({
        pushMessageID,
        target: targetUri(target),
        sender: senderUri(sender),
        sendToDevelopment: toDevelopment,
        sendToProduction: toProduction,
        payloadBytes: payload.length,
        sentAt: now,
        recipients: recipients.length,
      });
      let delivered = 0;
      const userIds = recipients.filter((r) => r.type === 'user').map((r) => r.id);
      const thingIds = recipients.filter((r) => r.type === 'thing').map((r) => r.id);
      const rows = deps.installations.deliveryTopics(userIds, thingIds);
      for (const row of rows) {
        if (!mqttEnabled) trace.skip(row, 'MQTT_DISABLED');
        else if (row.development ? !toDevelopment : !toProduction)
          trace.skip(row, 'ENVIRONMENT_FILTERED');
        else {
          const result = deps.broker.write(row.mqtt_topic, payload, trace, row);
          if (result === 'WRITING') {
            trace.writing();
            delivered += 1;
          }
          // Expired credentials cannot connect: that, not the absent connection, is the cause.
          else if (result === 'NOT_CONNECTED' && row.expires_at <= now)
            trace.skip(row, 'CREDENTIALS_EXPIRED');
          else trace.skip(row, result);
        }
      }
      // One MQTT installation per owner at most (§5.1): fewer rows than owners means some have none.
      if (rows.length < recipients.length) {
        const installed = new Set(rows.map((row) => `${row.owner_type}:${row.owner_id}`));
        for (const r of recipients) {
          if (!installed.has(`${r.type}:${r.id}`))
            trace.skip({ id: null, owner_type: r.type, owner_id: r.id }, 'NO_MQTT_INSTALLATION');
        }
      }
      trace.seal();
      deps.deliveries.record({
        message_id: pushMessageID,
        target: trace.meta.target,
        sender: trace.meta.sender,
        recipients: delivered,
        payload_bytes: payload.length,
        sent_at: now,
      });
      if (deps.broker.tapCount > 0) {
        deps.broker.deliverToTaps(tapMessage(pushMessageID, trace.meta, delivered, payload, now));
      }
      return { pushMessageID, recipients: delivered };
    },
  };
}

export type Delivery = ReturnType<typeof createDelivery>;
