import { KiiError } from '../core/kii-error';

/** The console server's own 400 codes that are not Kii refusing the credentials. */
const NOT_KII = new Set(['INVALID_APP', 'INVALID_INPUT', 'INVALID_JSON', 'BAD_REQUEST']);

/**
 * What the connect and replace dialogs say when the console server refuses (console-server/
 * routes/apps-routes.ts): each text says what to do, and the server's own words follow it.
 * Kii's refusal is 400 KII_CREDENTIALS_REFUSED, which `toKiiError` reports under Kii's own
 * errorCode from `details.kii` when it knows it (invalid_grant, APP_NOT_FOUND): any other 400
 * is that refusal too, so it is told by status and code here rather than by one code.
 */
export function appRefusalText(error: KiiError): string {
  const code = error.errorCode ?? '';
  if (error.status === 409 || code === 'APP_ALREADY_CONNECTED') {
    return $localize`:Refusal in the connect dialog when the app ID is already connected@@kpc.apps.refusal.alreadyConnected:This app is already connected. To change its credentials, close this dialog and use Replace credentials on its row.`;
  }
  if (code === 'KII_TARGET_REFUSED') {
    return $localize`:Refusal when the console server will not send credentials to the base URL's address@@kpc.apps.refusal.target:The console server does not send app credentials to this base URL's address. Use the app's public Kii address; a private or loopback server is allowed only when the console server runs with --allow-private-kii.`;
  }
  if (error.status === 400 && NOT_KII.has(code)) {
    return $localize`:Refusal when what was typed is not a valid app@@kpc.apps.refusal.invalid:These values are not a valid app. Check the app ID (letters, digits, . _ -) and, for a custom site, that the base URL is an http or https URL.`;
  }
  if (error.status === 400) {
    return $localize`:Refusal when Kii refused the typed credentials@@kpc.apps.refusal.credentials:Kii refused these credentials, so nothing was stored. Check the site or base URL, the app ID, the app key, the client ID and the client secret (the app admin's, from Kii's developer portal).`;
  }
  return error.message;
}
