import type { KiiAppCredentials } from '../kii/admin-tokens';
import { formatInstallationRef, type InstallationRef } from '../kii/installation-ref';
import { KiiCallError } from '../kii/kii-call-error';
import type { KiiAdminClient } from '../kii/kii-admin-client';
import type { InstallationsRegistry, RegistryVia } from './installations-registry';

/**
 * The verdict on one reference:
 * - `exists`: Kii returned the installation;
 * - `gone`: Kii answered 404 INSTALLATION_NOT_FOUND (docs/kii-api.md §5.2);
 * - `refused`: Kii answered another 4xx (e.g. 401/403, §11), named by `errorCode`;
 * - `not-checked`: no verdict, because Kii was unreachable or failing (status 0 or 5xx) for this
 *   item or an earlier one, which stops the run.
 */
export type VerifyStatus = 'exists' | 'gone' | 'refused' | 'not-checked';

export interface VerifyItemResult {
  /** Position in the input. */
  index: number;
  /** The reference as text: an installation ID or `deviceType:registrationID`. */
  ref: string;
  status: VerifyStatus;
  /** HTTP status of the failure (0 without an answer); absent for `exists`. */
  httpStatus?: number;
  errorCode?: string;
  installationID?: string;
}

export interface VerifyProgress {
  done: number;
  total: number;
  result: VerifyItemResult;
}

export interface VerifyReport {
  /** One per input reference, in input order. */
  results: VerifyItemResult[];
  counts: Record<VerifyStatus, number>;
  /** Why the run stopped early, if it did (the Kii failure, never a credential). */
  stoppedBy?: { status: number; errorCode: string; message: string };
}

export interface VerifyOptions {
  kii: Pick<KiiAdminClient, 'findInstallation'>;
  app: KiiAppCredentials;
  registry: InstallationsRegistry;
  refs: readonly InstallationRef[];
  /** Person ID recorded as `added_by` on rows this run creates. */
  addedBy: string;
  via?: RegistryVia;
  /** Lookups in flight at once (default 4, at most 16). */
  concurrency?: number;
  /** Called after each item's verdict, `done` counting up to `total`. */
  onProgress?: (progress: VerifyProgress) => void;
  /** Stops starting new lookups; the rest are `not-checked`. */
  signal?: AbortSignal;
}

/**
 * Checks each reference against Kii and records the verdict in the registry as it arrives.
 * All references are recorded (unverified) before the first lookup, and each verdict is written
 * when it comes, so a failure midway loses nothing already learned; the report lists every item.
 */
export async function verifyInstallations(options: VerifyOptions): Promise<VerifyReport> {
  const { kii, app, registry, refs, addedBy } = options;
  const via = options.via ?? 'import';
  const appId = app.appId;
  const concurrency = Math.min(Math.max(options.concurrency ?? 4, 1), 16);
  const total = refs.length;
  const results: VerifyItemResult[] = new Array(total);
  let done = 0;
  let next = 0;
  let stoppedBy: VerifyReport['stoppedBy'];

  registry.recordAll(refs.map((ref) => ({ appId, addedBy, via, ...refFields(ref) })));

  const finish = (result: VerifyItemResult) => {
    results[result.index] = result;
    done++;
    options.onProgress?.({ done, total, result });
  };

  const check = async (index: number) => {
    const ref = refs[index];
    const text = formatInstallationRef(ref);
    try {
      const found = await kii.findInstallation(app, ref);
      registry.recordFound(appId, found, addedBy, via);
      finish({ index, ref: text, status: 'exists', installationID: found.installationID });
    } catch (error) {
      if (!(error instanceof KiiCallError)) throw error;
      const verdict =
        error.status === 404 && error.errorCode === 'INSTALLATION_NOT_FOUND'
          ? 'gone'
          : error.status >= 400 && error.status < 500
            ? 'refused'
            : undefined;
      if (verdict) {
        registry.record({
          appId,
          addedBy,
          via,
          ...refFields(ref),
          verified: { status: verdict, errorCode: error.errorCode },
        });
      } else {
        stoppedBy ??= { status: error.status, errorCode: error.errorCode, message: error.message };
      }
      finish({
        index,
        ref: text,
        status: verdict ?? 'not-checked',
        httpStatus: error.status,
        errorCode: error.errorCode,
      });
    }
  };

  const worker = async () => {
    while (next < total && !stoppedBy && !options.signal?.aborted) await check(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));

  if (!stoppedBy && options.signal?.aborted) {
    stoppedBy = { status: 0, errorCode: 'ABORTED', message: 'The run was cancelled' };
  }
  for (let index = 0; index < total; index++) {
    if (!results[index]) {
      finish({ index, ref: formatInstallationRef(refs[index]), status: 'not-checked' });
    }
  }
  const counts = { exists: 0, gone: 0, refused: 0, 'not-checked': 0 };
  for (const result of results) counts[result.status]++;
  return { results, counts, ...(stoppedBy ? { stoppedBy } : {}) };
}

function refFields(ref: InstallationRef) {
  return 'installationID' in ref
    ? { installationID: ref.installationID }
    : { deviceType: ref.deviceType, registrationID: ref.registrationID };
}
