import { KiiError } from '../core/kii-error';
import { Installation, InstallationRef } from '../core/kii/installation';

/** What the dry run found for one reference. */
export type PlanOutcome = 'ready' | 'not-found' | 'refused' | 'failed';
/** What uninstalling did for one reference. */
export type RunOutcome = 'done' | 'not-found' | 'refused' | 'failed';

/** One line of a bulk uninstall. */
export interface BulkItem<O extends string> {
  readonly ref: InstallationRef;
  readonly outcome: O | 'pending';
  /** Found in the dry run (with its owner's name). */
  readonly installation?: Installation;
  readonly error?: KiiError;
}

/** The whole list so far. */
export interface BulkProgress<O extends string> {
  readonly items: readonly BulkItem<O>[];
  readonly done: number;
  readonly total: number;
}

/** 404: not found; 401/403: refused; anything else failed. */
export function failureOutcome(error: KiiError): 'not-found' | 'refused' | 'failed' {
  if (error.status === 404) return 'not-found';
  if (error.status === 401 || error.status === 403) return 'refused';
  return 'failed';
}
