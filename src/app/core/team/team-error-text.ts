/*
 * What the console says for the console server's own refusal codes (console-server/errors.ts,
 * routes/*): each says what to do next. Kii's codes relayed in `details.kii` keep the texts of
 * kii-error.ts. Imports nothing from kii-error.ts, which calls this.
 */

/** Minutes to wait, rounded up, at least 1. */
export function waitMinutes(retryAfterSeconds: number | undefined): number {
  return Math.max(1, Math.ceil((retryAfterSeconds ?? 60) / 60));
}

/** The text for a console server code, or undefined for codes it does not own. */
export function teamErrorMessage(code: string, retryAfterSeconds?: number): string | undefined {
  switch (code) {
    case 'UNAUTHENTICATED':
      return $localize`:Error when the team session is missing or ended@@kpc.team.error.unauthenticated:Your session has ended. Sign in again.`;
    case 'SIGN_IN_FAILED':
      return $localize`:Error when the login name or password was wrong@@kpc.team.error.signInFailed:Wrong login name or password. Check both and try again; after several failures sign-in is locked for a while.`;
    case 'SIGN_IN_LOCKED': {
      const minutes = waitMinutes(retryAfterSeconds);
      return $localize`:Error when sign-in is locked after too many failures; MINUTES is a number@@kpc.team.error.signInLocked:Too many failed sign-ins for this account from this address. Sign-in is locked: try again in ${minutes}:MINUTES: min, or ask a team admin to check the account.`;
    }
    case 'ACCOUNT_DISABLED':
      return $localize`:Error when the person's account is disabled@@kpc.team.error.accountDisabled:This account is disabled. Ask a team admin to enable it.`;
    case 'FORBIDDEN':
      return $localize`:Error when the person's role does not allow an action@@kpc.team.error.forbidden:Your role on this app does not allow this. Ask a team admin for a higher role.`;
    case 'CSRF_REFUSED':
      return $localize`:Error when the console server refused a request as possibly forged@@kpc.team.error.csrf:The console server refused this request as it could not confirm it came from this page. Reload the page and try again.`;
    case 'APP_NOT_CONNECTED':
      return $localize`:Error when the chosen Kii app is no longer connected to the console server@@kpc.team.error.appNotConnected:This app is not connected to the console server any more. Choose another app, or ask a team admin to connect it.`;
    case 'KII_DENIED':
      return $localize`:Error when Kii refused the app credentials the console server holds@@kpc.team.error.kiiDenied:Kii refused the app credentials the console server holds. Ask a team admin to check the connected app.`;
    case 'KII_UNREACHABLE':
    case 'KII_TIMEOUT':
      return $localize`:Error when the console server could not reach Kii@@kpc.team.error.kiiUnreachable:The console server could not reach Kii. Try again in a moment.`;
    case 'KII_UNAVAILABLE':
    case 'KII_INVALID_RESPONSE':
      return $localize`:Error when Kii failed behind the console server@@kpc.team.error.kiiUnavailable:Kii failed to answer the console server. Try again later.`;
    default:
      return undefined;
  }
}
