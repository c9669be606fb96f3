import { createBatchWriter } from '../db/batch-writer';
import type { Db } from '../db/database';
import type { WriteSink } from '../broker/push-broker';
import type { Metrics } from '../metrics';
import type { ConnectionRecord } from '../repositories/connection-history';
import { WriteTimeSketch } from './write-time-sketch';
import type {
  LedgerEntry,
  Outcome,
  OutcomeRow,
  PushLedgerRepository,
  PushSummary,
} from '../repositories/push-ledger';

/** What a ledger row names of the connection written to. */
type LedgerConnection = Pick<ConnectionRecord, 'connectionID' | 'transport'>;

/** Failures kept per push as rows (in the order met); beyond this they are only counted. */
export const LEDGER_FAILURE_ROWS = 1_000;
/** Deliveries kept per push as rows: a uniform sample when there are more. */
export const LEDGER_DELIVERED_ROWS = 1_000;
/** How often the age limit is applied when no push arrives to apply it (and once at start). */
export const LEDGER_SWEEP_MS = 3600_000;

/**
 * Who an outcome is about: the owner, and its MQTT installation (null when it has none). The
 * delivery's own installation rows have this shape, so tracing allocates nothing per recipient.
 */
export interface Recipient {
  owner_type: 'user' | 'thing';
  owner_id: string;
  id: string | null;
}

type PushMeta = Omit<
  PushSummary,
  'settledAt' | 'targeted' | 'outcomes' | 'writeMs' | 'rowsKept' | 'rowsOmitted'
>;

/**
 * The outcomes of one push while its writes are in flight. Counting is all that happens per
 * recipient on the fan-out path; an outcome row is built only when it is kept.
 */
export class PushTrace implements WriteSink<Recipient> {
  private readonly counts: Partial<Record<Outcome, number>> = {};
  private readonly failures: OutcomeRow[] = [];
  private readonly delivered: OutcomeRow[] = [];
  private deliveredCount = 0;
  private targeted = 0;
  /** p50 / p99 within 1 % (write-time-sketch.ts) in 4.2 KiB, whatever the fan-out. */
  private readonly writeMs = new WriteTimeSketch();
  private pending = 0;
  private sealed = false;
  settledAt: number | null = null;

  constructor(
    readonly meta: PushMeta,
    private readonly onSettled: (trace: PushTrace) => void,
  ) {}

  /** An outcome decided without writing (filtered, not connected, ...). */
  skip(who: Recipient, outcome: Outcome, detail: string | null = null): void {
    this.targeted++;
    this.fail(who, outcome, detail, null);
  }

  /** The broker started a write to `who`; written() or failed() follows on a later turn. */
  writing(): void {
    this.targeted++;
    this.pending++;
  }

  written(who: Recipient, connection: LedgerConnection | undefined, at = Date.now()): void {
    this.pending--;
    this.delivery(who, connection, at);
    this.settleIfDone();
  }

  failed(
    who: Recipient,
    connection: LedgerConnection | undefined,
    failure: { outcome: Outcome; detail: string | null },
  ): void {
    this.pending--;
    this.fail(who, failure.outcome, failure.detail, connection);
    this.settleIfDone();
  }

  /** Every recipient has been handled; the trace settles when the last write has. */
  seal(): void {
    this.sealed = true;
    this.settleIfDone();
  }

  private fail(
    who: Recipient,
    outcome: Outcome,
    detail: string | null,
    connection: LedgerConnection | undefined | null,
  ): void {
    this.counts[outcome] = (this.counts[outcome] ?? 0) + 1;
    if (this.failures.length < LEDGER_FAILURE_ROWS)
      this.failures.push(row(who, outcome, detail, connection ?? null, null));
  }

  private delivery(who: Recipient, connection: LedgerConnection | undefined, at: number): void {
    this.counts.DELIVERED = (this.counts.DELIVERED ?? 0) + 1;
    this.writeMs.add(at - this.meta.sentAt);
    // Reservoir sampling: every delivery has the same chance to be among the kept rows.
    const seen = this.deliveredCount++;
    const slot = seen < LEDGER_DELIVERED_ROWS ? seen : Math.floor(Math.random() * (seen + 1));
    if (slot < LEDGER_DELIVERED_ROWS)
      this.delivered[slot] = row(who, 'DELIVERED', null, connection ?? null, at);
  }

  private settleIfDone(): void {
    if (!this.sealed || this.pending > 0 || this.settledAt !== null) return;
    this.settledAt = Date.now();
    this.onSettled(this);
  }

  private settledEntry: LedgerEntry | null = null;

  /** The push as the API shows it; `rows` are failures first, then the sampled deliveries. */
  entry(): LedgerEntry {
    if (this.settledEntry) return this.settledEntry;
    const rows = [...this.failures, ...this.delivered];
    const entry: LedgerEntry = {
      summary: {
        ...this.meta,
        settledAt: this.settledAt,
        targeted: this.targeted,
        outcomes: { ...this.counts },
        writeMs: this.writeMs.summary(),
        rowsKept: rows.length,
        rowsOmitted: this.targeted - rows.length,
      },
      rows,
    };
    if (this.settledAt !== null) this.settledEntry = entry;
    return entry;
  }
}

/** A push with the ledger off (--delivery-ledger=false): its meta for the taps, nothing more. */
class UnrecordedPush extends PushTrace {
  override skip(): void {}
  override writing(): void {}
  override written(): void {}
  override failed(): void {}
  override seal(): void {}
}

function row(
  who: Recipient,
  outcome: Outcome,
  detail: string | null,
  connection: LedgerConnection | null,
  writtenAt: number | null,
): OutcomeRow {
  return {
    installationID: who.id,
    ownerType: who.owner_type,
    ownerID: who.owner_id,
    outcome,
    detail,
    connectionID: connection?.connectionID ?? null,
    transport: connection?.transport ?? null,
    writtenAt,
  };
}

/**
 * The delivery ledger (docs/kii-api.md §13.1): a trace per push while its writes settle, then
 * one batched SQLite transaction on a later turn of the event loop, so a large fan-out pays for
 * counting only. Pushes not yet written are answered from memory.
 */
export function createDeliveryLedger(deps: {
  db: Db;
  repository: PushLedgerRepository;
  metrics: Metrics;
  onWriteError: (error: unknown) => void;
  /** False with --delivery-ledger=false: pushes are neither counted nor stored. */
  enabled?: boolean;
}) {
  const { repository, metrics } = deps;
  const enabled = deps.enabled !== false;
  /** Pushes not yet in SQLite: writes in flight, or settled and queued. */
  const unwritten = new Map<string, PushTrace>();
  const writer = createBatchWriter<PushTrace>(
    deps.db,
    (traces) => {
      for (const trace of traces) unwritten.delete(trace.meta.pushMessageID);
      repository.insertAll(traces.map((trace) => trace.entry()));
    },
    deps.onWriteError,
  );

  // Pushes past the age limit go even on a server that sends nothing: at start and hourly.
  // The timer never holds the process open and stops once the database is closed.
  const sweep = () => {
    if (!deps.db.open) {
      clearInterval(sweeper);
      return;
    }
    try {
      repository.prune(Date.now());
    } catch (error) {
      deps.onWriteError(error);
    }
  };
  const sweeper = setInterval(sweep, LEDGER_SWEEP_MS).unref();
  sweep();

  function settled(trace: PushTrace): void {
    const { summary } = trace.entry();
    for (const [outcome, count] of Object.entries(summary.outcomes))
      metrics.deliveries.inc({ outcome }, count);
    writer.add(trace);
  }

  return {
    begin(meta: PushMeta): PushTrace {
      metrics.pushes.inc();
      if (!enabled) return new UnrecordedPush(meta, settled);
      const trace = new PushTrace(meta, settled);
      unwritten.set(meta.pushMessageID, trace);
      return trace;
    },
    /** A push's summary and a page of its rows (optionally of one outcome). */
    report(pushMessageID: string, offset: number, limit: number, outcome?: string) {
      const trace = unwritten.get(pushMessageID);
      if (trace) {
        const { summary, rows } = trace.entry();
        const matching = outcome ? rows.filter((r) => r.outcome === outcome) : rows;
        return { summary, rows: matching.slice(offset, offset + limit) };
      }
      const stored = repository.find(pushMessageID);
      if (!stored) return undefined;
      return {
        summary: stored.summary,
        rows: repository.rows(stored.seq, offset, limit, outcome),
      };
    },
    /** The kept outcome of one installation for one push: undefined row when none was kept. */
    outcomeOf(pushMessageID: string, installationId: string) {
      const trace = unwritten.get(pushMessageID);
      if (trace) {
        const { summary, rows } = trace.entry();
        return { summary, row: rows.find((r) => r.installationID === installationId) };
      }
      const stored = repository.find(pushMessageID);
      if (!stored) return undefined;
      return { summary: stored.summary, row: repository.rowOf(stored.seq, installationId) };
    },
    /** Kept outcomes of one installation, newest first (stored pushes only). */
    ofInstallation(installationId: string, beforeSeq: number, limit: number) {
      writer.flush();
      return repository.ofInstallation(installationId, beforeSeq, limit);
    },
    flush: () => writer.flush(),
  };
}

export type DeliveryLedger = ReturnType<typeof createDeliveryLedger>;
