import { Injectable, inject } from '@angular/core';
import { MatSnackBar } from '@angular/material/snack-bar';

import { KiiError } from './kii-error';

const DONE_MS = 4000;
// Failures stay longer: the operator has to read the error code and decide what to do.
const FAILED_MS = 10000;

/**
 * The one place actions report their outcome: a snackbar. Failed loads are shown inline by
 * their page (with Retry); failed actions come here, with Kii's errorCode and the server's
 * own words, because that is what support staff search for.
 */
@Injectable({ providedIn: 'root' })
export class Notifier {
  private readonly snackBar = inject(MatSnackBar);

  /** A finished action: a short confirmation. */
  done(message: string): void {
    this.snackBar.open(message, undefined, { duration: DONE_MS, politeness: 'polite' });
  }

  /** A failed action: `action` says what was tried ("Deleting news"). Always logged too. */
  failed(action: string, error: KiiError): void {
    console.error(action, error);
    this.snackBar.open(failureText(action, error), dismissLabel(), {
      duration: FAILED_MS,
      politeness: 'assertive',
    });
  }
}

/** "Deleting news failed: It was not found. (TOPIC_NOT_FOUND: Topic news was not found)". */
export function failureText(action: string, error: KiiError): string {
  const code = error.errorCode ?? (error.status > 0 ? `HTTP ${error.status}` : undefined);
  const why = [code, error.detail].filter(Boolean).join(': ');
  const text = $localize`:Snackbar text of a failed action; ACTION says what was tried, MESSAGE why it failed@@kpc.notifier.failed:${action}:ACTION: failed: ${error.message}:MESSAGE:`;
  return why ? `${text} (${why})` : text;
}

function dismissLabel(): string {
  return $localize`:Button that closes the error snackbar@@kpc.notifier.dismiss:Dismiss`;
}
