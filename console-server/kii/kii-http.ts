import { errorFromAnswer, errorFromFailure, KiiCallError } from './kii-call-error';

/** What the transport needs to know; tests pass a counting `fetch`. */
export interface KiiHttpOptions {
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Per request, headers and body included (default 10,000 ms). */
  timeoutMs?: number;
}

export interface KiiRequest {
  operation: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  /** Sent as JSON with `contentType` (default application/json). */
  body?: unknown;
  contentType?: string;
  /** Values to scrub from any error text: the token and secret this request carries. */
  secrets: readonly string[];
}

export interface KiiAnswer {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty body (204). */
  body: unknown;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * One HTTP exchange with Kii: resolves for 2xx, otherwise rejects with {@link KiiCallError}.
 * Bodies Kii answers for installs and endpoints may be URI-encoded for the SDK's sake
 * (docs/kii-api.md §1.3); the local server never uses `%` in them, and Kii's real bodies are
 * plain JSON, so they are parsed as they come.
 */
export async function kiiFetch(request: KiiRequest, options: KiiHttpOptions): Promise<KiiAnswer> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const send = options.fetch ?? fetch;
  // As the SDK's KiiRequest does (docs/kii-api.md §1.2): Kii answers in vendor media types.
  const headers: Record<string, string> = { accept: '*/*', ...request.headers };
  if (request.body !== undefined)
    headers['content-type'] = request.contentType ?? 'application/json';
  let response: Response;
  let text: string;
  try {
    response = await send(request.url, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    // The timeout covers the body too: a server that sends headers and stalls still fails.
    text = await response.text();
  } catch (failure) {
    throw errorFromFailure(request.operation, request.url, failure, timeoutMs);
  }
  let body: unknown;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      if (response.ok) {
        throw new KiiCallError(
          request.operation,
          response.status,
          'INVALID_RESPONSE',
          `${request.operation}: the answer was not JSON`,
        );
      }
    }
  }
  if (!response.ok)
    throw errorFromAnswer(request.operation, response.status, body, request.secrets);
  return { status: response.status, headers: response.headers, body };
}

/** Reads a required string field of a 2xx body, or fails with INVALID_RESPONSE. */
export function stringField(operation: string, body: unknown, field: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[field];
  if (typeof value !== 'string' || value === '') {
    throw new KiiCallError(
      operation,
      200,
      'INVALID_RESPONSE',
      `${operation}: the answer has no ${field}`,
    );
  }
  return value;
}

/** Joins a base URL (`https://api-jp.kii.com/api`, with or without a trailing slash) and a path. */
export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}

/** The sleep the retry loop uses; tests may pass their own. */
export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));
