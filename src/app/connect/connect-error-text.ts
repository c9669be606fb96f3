import { KiiError } from '../core/kii-error';
import { PrincipalKind } from '../core/principal';

/**
 * What a failed sign-in tells the operator: which input to check, per error kind and per
 * principal kind (wrong credentials, unknown app, unreachable site).
 */
export function connectErrorText(error: KiiError, kind: PrincipalKind): string {
  const refused =
    error.kind === 'auth' ||
    error.errorCode === 'USER_NOT_FOUND' ||
    error.errorCode === 'THING_NOT_FOUND';
  if (refused && error.errorCode !== 'APP_NOT_FOUND') {
    switch (kind) {
      case 'admin':
        return $localize`:Sign-in error, the app admin credentials were refused@@kpc.connect.error.admin:The client ID or client secret was not accepted. Check the client ID and secret.`;
      case 'user':
        return $localize`:Sign-in error, the user credentials were refused@@kpc.connect.error.user:The username or password was not accepted. Check the username and password.`;
      case 'thing':
        return $localize`:Sign-in error, the thing credentials were refused@@kpc.connect.error.thing:The vendor thing ID or password was not accepted. Check the vendor thing ID and password.`;
    }
  }
  if (error.kind === 'network') {
    return $localize`:Sign-in error, nothing answered at the base URL@@kpc.connect.error.network:The site could not be reached. Check the base URL, or that the server is running.`;
  }
  // APP_NOT_FOUND and the rest: the error model's own message is already specific.
  return error.message;
}
