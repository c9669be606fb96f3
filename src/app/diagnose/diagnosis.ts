import { Installation } from '../core/kii/installation';
import { ConnectionRecord, OutcomeRow, PushSummary } from '../core/kii/push-trace';
import { ThingOnline } from '../core/kii/thing-status';
import {
  CheckId,
  CheckStatus,
  VerdictCode,
  checkEvidence as say,
  verdictFix,
  verdictCode,
  verdictTitle,
} from './diagnosis-text';

export type { CheckId, CheckStatus, VerdictCode } from './diagnosis-text';

/** The checks, in the order they run: the first failure is the verdict. */
export const CHECK_ORDER: readonly CheckId[] = [
  'sent',
  'recipient',
  'installation',
  'environment',
  'connected',
  'subscribed',
  'credentials',
  'takeover',
  'slow-consumer',
  'delivered',
];

/** One check as shown: what it found, in words. */
export interface Check {
  readonly id: CheckId;
  readonly status: CheckStatus;
  readonly evidence: string;
}

/** The answer to "why did installation X not get push Y?". */
export interface Diagnosis {
  readonly verdict: VerdictCode;
  /** The code shown with it: the server's outcome code where there is one. */
  readonly code: string;
  readonly title: string;
  /** The failed check's evidence, or the delivery's. */
  readonly evidence: string;
  /** One line saying what to do. */
  readonly fix: string;
  readonly checks: readonly Check[];
}

/** How a time is put into words (the page passes the locale's medium date-time). */
export type TimeText = (epochMs: number) => string;

/** What the local server's trace knows about one installation and one push. */
export interface TraceFacts {
  readonly installationID: string;
  /** The installation now; null when it is gone (the trace outlives an uninstall). */
  readonly installation: Installation | null;
  /** Null when the ledger has no record of the push (unknown, or pruned). */
  readonly push: PushSummary | null;
  /** This installation's row of the push; null when the ledger kept none. */
  readonly row: OutcomeRow | null;
  /** The owner had a NO_MQTT_INSTALLATION row in the push: it had no installation then. */
  readonly ownerWithoutMqtt: boolean;
  /** Newest first. */
  readonly connections: readonly ConnectionRecord[];
}

/** A push as this console recorded sending it (Compose's recent sends). */
export interface SentRecord {
  readonly pushMessageID: string;
  readonly sentAt: number;
  readonly targetText: string;
  /** Whether the installation's owner was addressed: `topic` leaves it to the subscription. */
  readonly addressed: 'owner' | 'someone-else' | 'topic';
  readonly development: boolean;
  readonly production: boolean;
  readonly bytes: number;
}

/** What Kii Cloud lets the console find out (no delivery record exists there). */
export interface KiiFacts {
  readonly installationID: string;
  /** Null when Kii answered that it does not exist. */
  readonly installation: Installation | null;
  /** Null when this tab did not send the push. */
  readonly send: SentRecord | null;
  /** Whether the owner subscribes to the push's topic now; null when not asked. */
  readonly subscribed: boolean | null;
  /** The MQTT endpoint's answer now; null when not asked (not MQTT, not found). */
  readonly endpoint: 'valid' | 'not-ready' | 'failed' | null;
  /** The owning thing's online status now; null for a user's installation or when unread. */
  readonly thingOnline: ThingOnline | null;
}

/** Kii's limit on the MQTT payload (docs/kii-api.md §9.4). */
export const MAX_PAYLOAD_BYTES = 4096;

type Step = { status: CheckStatus; evidence: string; verdict?: VerdictCode };

/**
 * Runs the checks against the local server's trace. Checks after the first failure (or after
 * one that cannot decide) are not run: their answer would not mean anything.
 */
export function diagnoseTrace(facts: TraceFacts, time: TimeText): Diagnosis {
  const { push, row } = facts;
  const steps: Partial<Record<CheckId, Step>> = {};
  const outcome = row?.outcome;
  const open = push ? connectionAt(facts.connections, push.sentAt) : undefined;
  const run = (id: CheckId, step: () => Step): boolean => {
    steps[id] = step();
    return steps[id].status === 'pass';
  };
  void (
    run('sent', () => {
      if (!push) return fail('PUSH_NOT_FOUND', say.pushUnknown());
      if (outcome === 'MQTT_DISABLED')
        return fail('MQTT_DISABLED', say.mqttDisabled(time(push.sentAt)));
      return pass(say.accepted(time(push.sentAt), push.target, push.sender, push.payloadBytes));
    }) &&
    run('recipient', () => {
      if (row) return pass(say.recipient(push!.targeted));
      if (facts.ownerWithoutMqtt) return pass(say.ownerRecipient());
      if (!push!.complete) return unknown('STILL_SENDING', say.stillSending());
      if (push!.rowsOmitted > 0) return unknown('ROW_OMITTED', say.rowOmitted(push!.rowsOmitted));
      return fail('NOT_A_RECIPIENT', say.notRecipient(push!.targeted, push!.target));
    }) &&
    run('installation', () => {
      if (outcome === 'NO_MQTT_INSTALLATION' || facts.ownerWithoutMqtt) {
        const created = facts.installation?.createdAt;
        return fail(
          'NO_MQTT_INSTALLATION',
          created != null && created > push!.sentAt
            ? say.createdLater(time(created))
            : say.noInstallation(),
        );
      }
      return pass(say.installed(facts.installationID));
    }) &&
    run('environment', () => {
      const development = facts.installation?.development ?? !push!.sendToDevelopment;
      if (outcome === 'ENVIRONMENT_FILTERED') {
        return fail(
          development ? 'DEVELOPMENT_FILTERED' : 'PRODUCTION_FILTERED',
          say.filtered(development),
        );
      }
      return pass(say.environmentMatched(push!.sendToDevelopment, push!.sendToProduction));
    }) &&
    run('connected', () => {
      if (outcome === 'NOT_CONNECTED' || outcome === 'CREDENTIALS_EXPIRED') {
        const last = facts.connections.find(
          (c) => c.closedAt !== null && c.closedAt <= push!.sentAt,
        );
        const evidence = last
          ? say.lastClosed(last.connectionID, time(last.closedAt!), last.closeReason ?? '')
          : say.neverConnected();
        return outcome === 'CREDENTIALS_EXPIRED'
          ? fail('CREDENTIALS_EXPIRED', `${say.expired()} ${evidence}`)
          : fail('NOT_CONNECTED', evidence);
      }
      return pass(
        open
          ? say.connectedAs(open.connectionID, open.transport, time(open.connectedAt))
          : say.connected(),
      );
    }) &&
    run('subscribed', () => {
      if (outcome === 'NOT_SUBSCRIBED') {
        return fail(
          'NOT_SUBSCRIBED',
          say.notSubscribed(open?.connectionID ?? row?.connectionID ?? ''),
        );
      }
      return pass(
        open?.subscribedAt != null ? say.subscribedAt(time(open.subscribedAt)) : say.subscribed(),
      );
    }) &&
    run('credentials', () => pass(say.credentialsValid())) &&
    run('takeover', () => {
      if (outcome === 'CONNECTION_CLOSED' && row?.detail === 'TAKEOVER') {
        const closed = facts.connections.find((c) => c.connectionID === row.connectionID);
        return fail('TAKEN_OVER', say.takenOver(row.connectionID ?? '', closed?.takenOverBy ?? ''));
      }
      const written = facts.connections.find((c) => c.connectionID === row?.connectionID);
      return pass(
        written?.tookOver
          ? say.afterTakeover(written.connectionID, written.tookOver)
          : say.noTakeover(),
      );
    }) &&
    run('slow-consumer', () => {
      if (outcome === 'DROPPED_SLOW_CONSUMER') {
        return fail('DROPPED_SLOW_CONSUMER', say.slowConsumer(row!.connectionID ?? ''));
      }
      return pass(say.readInTime());
    }) &&
    run('delivered', () => {
      if (outcome === 'CONNECTION_CLOSED') {
        return fail(
          'CONNECTION_CLOSED',
          say.closedBeforeWrite(row!.connectionID ?? '', row!.detail ?? ''),
        );
      }
      if (outcome !== 'DELIVERED' || row!.writtenAt === null) {
        return unknown('ROW_OMITTED', say.rowOmitted(push!.rowsOmitted));
      }
      return {
        status: 'pass',
        verdict: 'DELIVERED',
        evidence: say.written(row!.connectionID ?? '', row!.transport ?? '', time(row!.writtenAt)),
      };
    })
  );
  return conclude(steps, 'DELIVERED');
}

/**
 * Runs what Kii Cloud allows: the send record of this tab (flags, size, target), the
 * subscription now, the installation and its environment, the endpoint. Connection, MQTT
 * subscription and delivery cannot be checked there: they are marked `unavailable`.
 */
export function diagnoseKii(facts: KiiFacts, time: TimeText): Diagnosis {
  const { send, installation } = facts;
  const steps: Partial<Record<CheckId, Step>> = {};
  const first = () => Object.values(steps).find((s) => s.status === 'fail');
  const run = (id: CheckId, step: () => Step) => {
    steps[id] = first() ? skipped() : step();
  };
  // What Kii Cloud cannot tell is said whatever failed before it.
  const cannot = (id: CheckId, evidence: string) => {
    steps[id] = unavailable(evidence);
  };
  run('sent', () => {
    if (!send) return { status: 'unknown', evidence: say.notSentHere() };
    if (send.bytes > MAX_PAYLOAD_BYTES) return fail('PAYLOAD_TOO_LARGE', say.tooLarge(send.bytes));
    return pass(say.sentHere(time(send.sentAt), send.targetText, send.bytes));
  });
  run('recipient', () => {
    if (!send) return { status: 'unknown', evidence: say.notSentHere() };
    if (send.addressed === 'owner') return pass(say.addressedOwner());
    if (send.addressed === 'someone-else') return fail('NOT_A_RECIPIENT', say.addressedOther());
    if (facts.subscribed === null)
      return { status: 'unknown', evidence: say.subscriptionUnknown() };
    return facts.subscribed
      ? pass(say.subscribedNow())
      : fail('NOT_A_RECIPIENT', say.notSubscribedNow(send.targetText));
  });
  run('installation', () => {
    if (!installation)
      return fail('INSTALLATION_NOT_FOUND', say.installationMissing(facts.installationID));
    if (installation.deviceType !== 'MQTT') {
      return fail('NOT_MQTT', say.notMqtt(installation.deviceType));
    }
    return pass(say.installed(facts.installationID));
  });
  run('environment', () => {
    if (!send) return { status: 'unknown', evidence: say.notSentHere() };
    const dev = installation!.development;
    if (dev ? !send.development : !send.production) {
      return fail(dev ? 'DEVELOPMENT_FILTERED' : 'PRODUCTION_FILTERED', say.filtered(dev));
    }
    return pass(say.environmentMatched(send.development, send.production));
  });
  if (facts.thingOnline) {
    const status = facts.thingOnline;
    run('connected', () => thingConnected(status, send, time));
  } else {
    cannot('connected', say.noConnectionRecord());
  }
  cannot('subscribed', say.noConnectionRecord());
  run('credentials', () => {
    switch (facts.endpoint) {
      case 'valid':
        return pass(say.endpointValid());
      case 'not-ready':
        return fail('ENDPOINT_NOT_READY', say.endpointNotReady());
      case 'failed':
        return fail('ENDPOINT_FAILED', say.endpointFailed());
      default:
        return { status: 'unknown', evidence: say.endpointUnknown() };
    }
  });
  cannot('takeover', say.noConnectionRecord());
  cannot('slow-consumer', say.noDeliveryRecord());
  cannot('delivered', say.noDeliveryRecord());
  return conclude(steps, 'NO_PROBLEM_FOUND');
}

/**
 * What a thing's online status tells of its connection when the push was sent: only a status
 * unchanged since before the send decides; one that changed after it is evidence, not proof.
 * The send time is this browser's clock and `since` Kii's: seconds of skew can mislead only
 * for a change right at the send.
 */
function thingConnected(status: ThingOnline, send: SentRecord | null, time: TimeText): Step {
  const { online, since } = status;
  if (since === null) {
    return online
      ? { status: 'unknown', evidence: say.thingOnlineNow() }
      : fail('NOT_CONNECTED', say.thingNeverOnline());
  }
  if (send && since <= send.sentAt) {
    return online
      ? pass(say.thingOnlineSince(time(since)))
      : fail('NOT_CONNECTED', say.thingOfflineSince(time(since)));
  }
  return {
    status: 'unknown',
    evidence: online
      ? say.thingOnlineSinceLater(time(since))
      : say.thingOfflineSinceLater(time(since)),
  };
}

/** The first failing (or undecided) check gives the verdict; otherwise `fallback`. */
function conclude(steps: Partial<Record<CheckId, Step>>, fallback: VerdictCode): Diagnosis {
  const checks = CHECK_ORDER.map((id) => ({ id, ...(steps[id] ?? skipped()) }));
  const decisive =
    checks.find((c) => c.verdict && c.status !== 'pass') ?? checks.find((c) => c.verdict);
  const verdict = decisive?.verdict ?? fallback;
  return {
    verdict,
    code: verdictCode(verdict),
    title: verdictTitle(verdict),
    evidence: decisive?.evidence ?? '',
    fix: verdictFix(verdict),
    checks: checks.map(({ id, status, evidence }) => ({ id, status, evidence })),
  };
}

/** The connection open when the push was sent, if the history has it. */
function connectionAt(
  connections: readonly ConnectionRecord[],
  at: number,
): ConnectionRecord | undefined {
  return connections.find(
    (c) =>
      c.closeReason !== 'CONNECT_REFUSED' &&
      c.connectedAt <= at &&
      (c.closedAt === null || c.closedAt >= at),
  );
}

function pass(evidence: string): Step {
  return { status: 'pass', evidence };
}

function fail(verdict: VerdictCode, evidence: string): Step {
  return { status: 'fail', evidence, verdict };
}

function unknown(verdict: VerdictCode, evidence: string): Step {
  return { status: 'unknown', evidence, verdict };
}

function unavailable(evidence: string): Step {
  return { status: 'unavailable', evidence };
}

function skipped(): Step {
  return { status: 'skipped', evidence: '' };
}
