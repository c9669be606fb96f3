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
    case 'SIGN_IN_THROTTLED': {
      // Any login from this address (docs/team-api.md, "Sign-in limits"); often a shared NAT.
      // Single sign-on's redirect carries only the code, so the wait may be unknown.
      if (retryAfterSeconds === undefined) {
        return $localize`:Error when sign-in from the person's network address is paused after too many refused sign-ins, wait unknown@@kpc.team.error.signInThrottledLater:Too many refused sign-ins from this network address. Sign-in from here is paused for a while (at most the lock-out time); try again later. If many people share this address, ask a team admin.`;
      }
      const minutes = waitMinutes(retryAfterSeconds);
      return $localize`:Error when sign-in from the person's network address is paused after too many refused sign-ins; MINUTES is a number@@kpc.team.error.signInThrottled:Too many refused sign-ins from this network address. Sign-in from here is paused: try again in ${minutes}:MINUTES: min. If many people share this address, ask a team admin.`;
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
    // Single sign-on (console-server/oidc/): the callback sends these to the sign-in page as
    // ?ssoError=<code>.
    case 'OIDC_FLOW_UNKNOWN':
      return $localize`:Error when a single sign-on answer matches no sign-in under way@@kpc.team.error.oidcFlowUnknown:This single sign-on attempt has expired or was already used. Start the sign-in again.`;
    case 'OIDC_STATE_MISMATCH':
      return $localize`:Error when a single sign-on answer was meant for another sign-in@@kpc.team.error.oidcStateMismatch:The single sign-on answer did not match the sign-in started in this browser, so it was refused. Start the sign-in again.`;
    case 'OIDC_PROVIDER_UNKNOWN':
      return $localize`:Error when the single sign-on provider is not configured@@kpc.team.error.oidcProviderUnknown:This single sign-on provider is not set up on the console server. Sign in another way.`;
    case 'OIDC_PROVIDER_UNAVAILABLE':
    case 'OIDC_PROVIDER_UNREACHABLE':
      return $localize`:Error when the single sign-on provider cannot be reached@@kpc.team.error.oidcProviderUnavailable:The single sign-on provider cannot be reached right now. Sign in with your password, or try again later.`;
    case 'OIDC_NO_ROLE':
      return $localize`:Error when single sign-on worked but the person's groups map to no role@@kpc.team.error.oidcNoRole:You signed in at your organisation, but none of your groups gives a role in this console. Ask a team admin to map your group to a role.`;
    case 'OIDC_ACCESS_DENIED':
      return $localize`:Error when the person cancelled or was refused at the single sign-on provider@@kpc.team.error.oidcAccessDenied:The sign-in was cancelled or refused at your organisation's sign-in page.`;
    case 'OIDC_PROVIDER_ERROR':
    case 'OIDC_TOKEN_REFUSED':
    case 'OIDC_RESPONSE_INVALID':
      return $localize`:Error when single sign-on failed at a check; CODE is the console server's error code@@kpc.team.error.oidcFailed:Single sign-on did not complete (${code}:CODE:). Start the sign-in again; if it keeps failing, ask a team admin to check the single sign-on settings.`;
    default:
      return undefined;
  }
}
