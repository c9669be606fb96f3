import { KiiAnswerTooLargeError } from './guarded-fetch';
import { KiiTargetRefusedError } from './kii-target-policy';

/**
 * Codes this client invents for failures where Kii sent no `errorCode` of its own. They are
 * upper snake case like Kii's (docs/kii-api.md §2.1) so callers can switch on one field.
 */
export type LocalErrorCode =
  /** No HTTP answer: refused connection, DNS failure, reset socket. */
  | 'NETWORK_ERROR'
  /** No answer within the client's timeout (AbortSignal.timeout). */
  | 'TIMEOUT'
  /** An answer that is not what Kii documents (not JSON, a required field missing). */
  | 'INVALID_RESPONSE'
  /** A non-2xx answer without a JSON `errorCode`. */
  | 'HTTP_ERROR'
  /** The server does not offer the `x-local` extension asked for (Kii Cloud never does). */
  | 'EXTENSION_NOT_AVAILABLE';

/**
 * The one error every Kii call of the console server rejects with: Kii's refusals, network
 * failures and timeouts alike. It never carries the app admin token or client secret: Kii's
 * own context fields that may echo them (`accessToken` on WRONG_TOKEN, docs/kii-api.md §5.1)
 * are dropped, and the message is scrubbed of any secret the request used.
 */
export class KiiCallError extends Error {
  override readonly name = 'KiiCallError';

  constructor(
    /** What the console server was doing, e.g. `install`, `get mqtt endpoint`. */
    readonly operation: string,
    /** HTTP status; 0 when no answer arrived (network error or timeout). */
    readonly status: number,
    /** Kii's `errorCode` (e.g. `INSTALLATION_NOT_FOUND`), or a {@link LocalErrorCode}. */
    readonly errorCode: string,
    message: string,
    /** Kii's context fields (docs/kii-api.md §2.1), minus any that may hold a credential. */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }

  /** A plain object for JSON answers and audit rows. */
  toJSON(): {
    operation: string;
    status: number;
    errorCode: string;
    message: string;
    details: Readonly<Record<string, unknown>>;
  } {
    return {
      operation: this.operation,
      status: this.status,
      errorCode: this.errorCode,
      message: this.message,
      details: this.details,
    };
  }
}

/** Context fields Kii may fill with the caller's credentials; never copied into an error. */
const SENSITIVE_FIELDS = new Set([
  'accessToken',
  'access_token',
  'client_secret',
  'clientSecret',
  'password',
  'refresh_token',
]);

/** Replaces every occurrence of the given secrets in `text`. */
export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    // Short values (an empty string, a one-letter test key) would mangle ordinary words.
    if (secret.length >= 6) result = result.split(secret).join('[redacted]');
  }
  return result;
}

/**
 * Builds the error for a non-2xx Kii answer. Kii's body is `{errorCode, message, ...context}`,
 * or OAuth-style `{errorCode|error, error_description}` for failed logins (docs/kii-api.md §2.1).
 */
export function errorFromAnswer(
  operation: string,
  status: number,
  body: unknown,
  secrets: readonly string[],
): KiiCallError {
  const json = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const code =
    typeof json['errorCode'] === 'string'
      ? json['errorCode']
      : typeof json['error'] === 'string'
        ? json['error']
        : 'HTTP_ERROR';
  const text =
    typeof json['message'] === 'string'
      ? json['message']
      : typeof json['error_description'] === 'string'
        ? json['error_description']
        : `${operation} failed with HTTP ${status}`;
  const details: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    if (key === 'errorCode' || key === 'message' || SENSITIVE_FIELDS.has(key)) continue;
    details[key] = typeof value === 'string' ? redact(value, secrets) : value;
  }
  return new KiiCallError(operation, status, code, redact(text, secrets), details);
}

/** Builds the error for a fetch that produced no answer (refused, reset, timed out). */
export function errorFromFailure(
  operation: string,
  url: string,
  failure: unknown,
  timeoutMs: number,
): KiiCallError {
  // The URL never holds a credential (they travel in headers and bodies only), so naming the
  // host helps the operator without leaking anything.
  const where = new URL(url).host;
  if (failure instanceof DOMException && failure.name === 'TimeoutError') {
    return new KiiCallError(
      operation,
      0,
      'TIMEOUT',
      `${operation}: no answer from ${where} within ${timeoutMs} ms`,
    );
  }
  if (failure instanceof KiiAnswerTooLargeError) {
    return new KiiCallError(
      operation,
      0,
      'INVALID_RESPONSE',
      `${operation}: ${where} sent ${failure.message}, which is not a Kii answer; check the app's site or base URL`,
    );
  }
  if (failure instanceof KiiTargetRefusedError) {
    return new KiiCallError(operation, 0, failure.code, `${operation}: ${failure.message}`);
  }
  // fetch puts the socket's error in `cause`; node:http (guardedTransport) rejects with it.
  const { cause, code } = (failure ?? {}) as { cause?: { code?: unknown }; code?: unknown };
  const named = cause?.code ?? code;
  const reason = typeof named === 'string' ? named : 'the request failed';
  return new KiiCallError(
    operation,
    0,
    'NETWORK_ERROR',
    `${operation}: could not reach ${where} (${reason})`,
  );
}
