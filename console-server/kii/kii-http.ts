import { errorFromAnswer, errorFromFailure, KiiCallError } from './kii-call-error';

/**
 * One exchange as a transport sends it. The console server's own transport is
 * `guardedTransport` (guarded-fetch.ts): node:http with the target policy, and none of a
 * WHATWG Response's stream machinery, which cost more CPU per call than the rest of the relay.
 */
export interface KiiWireRequest {
  url: string;
  method: KiiRequest['method'];
  headers: Record<string, string>;
  body?: string;
  /** Headers and body included; past it the transport rejects with a TimeoutError DOMException. */
  timeoutMs?: number;
  /** Aborts the exchange; the transport rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface KiiWireAnswer {
  status: number;
  /** Lower-case names; a repeated header's values joined by ", ", as `Headers.get` does. */
  headers: Readonly<Record<string, string>>;
  text: string;
}

export type KiiTransport = (request: KiiWireRequest) => Promise<KiiWireAnswer>;

/** A transport over a fetch: the global one, or a spec's own (which may watch the exchanges). */
export function fetchTransport(send: typeof fetch): KiiTransport {
  return async (request) => {
    const timeout = request.timeoutMs === undefined ? [] : [AbortSignal.timeout(request.timeoutMs)];
    const signals = [...timeout, ...(request.signal ? [request.signal] : [])];
    const response = await send(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: signals.length > 1 ? AbortSignal.any(signals) : signals[0],
    });
    // The timeout covers the body too: a server that sends headers and stalls still fails.
    const text = await response.text();
    return { status: response.status, headers: Object.fromEntries(response.headers), text };
  };
}

/** What the transport needs to know; tests pass a counting `fetch`. */
export interface KiiHttpOptions {
  /** The transport; the console server passes `guardedTransport`. Wins over `fetch`. */
  transport?: KiiTransport;
  /** A fetch to send with when there is no `transport` (defaults to the global fetch). */
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
  /** Lower-case names (see {@link KiiWireAnswer}). */
  headers: Readonly<Record<string, string>>;
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
  const transport = options.transport ?? fetchTransport(options.fetch ?? fetch);
  // As the SDK's KiiRequest does (docs/kii-api.md §1.2): Kii answers in vendor media types.
  const headers: Record<string, string> = { accept: '*/*', ...request.headers };
  if (request.body !== undefined)
    headers['content-type'] = request.contentType ?? 'application/json';
  let answer: KiiWireAnswer;
  try {
    answer = await transport({
      url: request.url,
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      timeoutMs,
    });
  } catch (failure) {
    throw errorFromFailure(request.operation, request.url, failure, timeoutMs);
  }
  const ok = answer.status >= 200 && answer.status < 300;
  let body: unknown;
  if (answer.text !== '') {
    try {
      body = JSON.parse(answer.text);
    } catch {
      if (ok) {
        throw new KiiCallError(
          request.operation,
          answer.status,
          'INVALID_RESPONSE',
          `${request.operation}: the answer was not JSON`,
        );
      }
    }
  }
  if (!ok) throw errorFromAnswer(request.operation, answer.status, body, request.secrets);
  return { status: answer.status, headers: answer.headers, body };
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
