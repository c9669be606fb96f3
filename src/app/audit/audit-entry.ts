/**
 * The audit trail as the console server answers it (GET /team/api/audit; docs/team-api.md):
 * one row per sign-in, refusal, Kii action and people change, newest first.
 */
export interface AuditEntry {
  readonly seq: number;
  /** ISO 8601 date-time. */
  readonly time: string;
  /** Login of who acted; null for an anonymous act (a failed sign-in). */
  readonly person: string | null;
  readonly appId: string | null;
  /** What was done: `installation.uninstall`, `sign-in.failed`, ... */
  readonly action: string;
  readonly target: string | null;
  /** HTTP status the action ended with (Kii's, for a Kii call). */
  readonly status: number;
  /** Kii's or the console server's errorCode when it failed. */
  readonly errorCode: string | null;
  readonly clientAddress: string | null;
  readonly details: Readonly<Record<string, unknown>>;
}

/** One page of entries; `nextBefore` asks for the older ones, null when there are none. */
export interface AuditPage {
  readonly entries: readonly AuditEntry[];
  readonly nextBefore: number | null;
}

/** How an action ended: below 400 it succeeded; from 400 on it was refused or failed. */
export type AuditOutcome = 'ok' | 'failed';

/** What the trail is narrowed to; empty fields do not narrow. */
export interface AuditFilters {
  readonly person: string;
  readonly appId: string;
  readonly action: string;
  readonly outcome: AuditOutcome | '';
  /** Date-times as a `datetime-local` field holds them (local time, no zone). */
  readonly from: string;
  readonly to: string;
}

export const NO_FILTERS: AuditFilters = {
  person: '',
  appId: '',
  action: '',
  outcome: '',
  from: '',
  to: '',
};

/** The kinds of action the console server records, in the order the filter lists them. */
export const AUDIT_ACTIONS: readonly { readonly action: string; readonly label: string }[] = [
  {
    action: 'sign-in',
    label: $localize`:Audit action kind@@kpc.audit.action.signIn:Sign-in`,
  },
  {
    action: 'sign-in.failed',
    label: $localize`:Audit action kind@@kpc.audit.action.signInFailed:Failed sign-in`,
  },
  {
    action: 'sign-in.locked',
    label: $localize`:Audit action kind@@kpc.audit.action.signInLocked:Sign-in while locked out`,
  },
  {
    action: 'sign-in.throttled',
    label: $localize`:Audit action kind, sign-ins from one network address paused after too many refusals@@kpc.audit.action.signInThrottled:Sign-ins paused for an address`,
  },
  {
    action: 'sign-out',
    label: $localize`:Audit action kind@@kpc.audit.action.signOut:Sign-out`,
  },
  {
    action: 'sign-out.everywhere',
    label: $localize`:Audit action kind@@kpc.audit.action.signOutEverywhere:Sign-out everywhere`,
  },
  {
    action: 'access.refused',
    label: $localize`:Audit action kind@@kpc.audit.action.accessRefused:Refused action`,
  },
  {
    action: 'csrf.refused',
    label: $localize`:Audit action kind@@kpc.audit.action.csrfRefused:Refused forged request`,
  },
  {
    action: 'installation.install',
    label: $localize`:Audit action kind@@kpc.audit.action.install:Install`,
  },
  {
    action: 'installation.uninstall',
    label: $localize`:Audit action kind@@kpc.audit.action.uninstall:Uninstall`,
  },
  {
    action: 'installation.bulk-uninstall',
    label: $localize`:Audit action kind@@kpc.audit.action.bulkUninstall:Bulk uninstall`,
  },
  {
    action: 'installation.lookup',
    label: $localize`:Audit action kind@@kpc.audit.action.lookup:Installation lookup`,
  },
  {
    action: 'installation.import',
    label: $localize`:Audit action kind@@kpc.audit.action.import:Import started`,
  },
  {
    action: 'installation.import.done',
    label: $localize`:Audit action kind@@kpc.audit.action.importDone:Import finished`,
  },
  {
    action: 'installation.credentials.reveal',
    label: $localize`:Audit action kind@@kpc.audit.action.reveal:MQTT credentials revealed`,
  },
  {
    action: 'installation.monitor',
    label: $localize`:Audit action kind@@kpc.audit.action.monitorInstallation:Monitor as an installation`,
  },
  {
    action: 'monitor.topic.start',
    label: $localize`:Audit action kind@@kpc.audit.action.monitorTopicStart:Topic monitor started`,
  },
  {
    action: 'monitor.topic.stop',
    label: $localize`:Audit action kind@@kpc.audit.action.monitorTopicStop:Topic monitor stopped`,
  },
  {
    action: 'topic.create',
    label: $localize`:Audit action kind@@kpc.audit.action.topicCreate:Topic created`,
  },
  {
    action: 'topic.delete',
    label: $localize`:Audit action kind@@kpc.audit.action.topicDelete:Topic deleted`,
  },
  {
    action: 'subscription.subscribe',
    label: $localize`:Audit action kind@@kpc.audit.action.subscribe:Subscribed`,
  },
  {
    action: 'subscription.unsubscribe',
    label: $localize`:Audit action kind@@kpc.audit.action.unsubscribe:Unsubscribed`,
  },
  {
    action: 'push.send',
    label: $localize`:Audit action kind@@kpc.audit.action.push:Test push`,
  },
  {
    action: 'app.connect',
    label: $localize`:Audit action kind@@kpc.audit.action.appConnect:App connected`,
  },
  {
    action: 'app.replace',
    label: $localize`:Audit action kind@@kpc.audit.action.appReplace:App credentials replaced`,
  },
  {
    action: 'app.remove',
    label: $localize`:Audit action kind@@kpc.audit.action.appRemove:App disconnected`,
  },
  {
    action: 'person.create',
    label: $localize`:Audit action kind@@kpc.audit.action.personCreate:Person added`,
  },
  {
    action: 'person.update',
    label: $localize`:Audit action kind@@kpc.audit.action.personUpdate:Person changed`,
  },
  {
    action: 'person.roles',
    label: $localize`:Audit action kind@@kpc.audit.action.personRoles:Roles changed`,
  },
];

const LABELS = new Map(AUDIT_ACTIONS.map((kind) => [kind.action, kind.label]));

/** The action's name in the console's language; an unknown kind as the server wrote it. */
export function actionLabel(action: string): string {
  return LABELS.get(action) ?? action;
}

/** The outcome of an entry. */
export function outcomeOf(entry: AuditEntry): AuditOutcome {
  return entry.status < 400 ? 'ok' : 'failed';
}
