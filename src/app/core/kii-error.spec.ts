import { HttpErrorResponse } from '@angular/common/http';

import { isKiiError, kiiErrorMessage, makeKiiError, toKiiError } from './kii-error';

describe('toKiiError', () => {
  describe('KiiRequest strings (admin and user sign-in)', () => {
    it('reads an OAuth invalid_grant as auth with status 400', () => {
      const error = toKiiError(new Error('invalid_grant: The provided credentials are invalid'));
      expect(error).toEqual(
        jasmine.objectContaining({
          kind: 'auth',
          errorCode: 'invalid_grant',
          status: 400,
          detail: 'The provided credentials are invalid',
        }),
      );
    });

    it('reads APP_NOT_FOUND as not-found 404 with the app hint', () => {
      const error = toKiiError(new Error('APP_NOT_FOUND: The application x was not found'));
      expect(error.kind).toBe('not-found');
      expect(error.errorCode).toBe('APP_NOT_FOUND');
      expect(error.status).toBe(404);
      expect(error.message).toContain('Check the app ID and the site');
    });

    it('reads "0 : http..." as a network failure', () => {
      const error = toKiiError(new Error('0 : https://api.example.com/api/oauth2/token'));
      expect(error.kind).toBe('network');
      expect(error.status).toBe(0);
      expect(error.errorCode).toBeUndefined();
      expect(error.message).toContain('could not be reached');
    });

    it('reads a status without a Kii body ("502 : url") by its status', () => {
      expect(toKiiError(new Error('502 : http://127.0.0.1:8080/api/oauth2/token'))).toEqual(
        jasmine.objectContaining({ kind: 'server', status: 502 }),
      );
      expect(toKiiError(new Error('404 : http://127.0.0.1:8080/api/oauth2/token'))).toEqual(
        jasmine.objectContaining({ kind: 'not-found', status: 404 }),
      );
    });

    it('recovers the status of codes from the SDK table', () => {
      expect(toKiiError('USER_ALREADY_EXISTS: taken')).toEqual(
        jasmine.objectContaining({ kind: 'conflict', status: 409 }),
      );
      expect(toKiiError('WRONG_TOKEN: expired')).toEqual(
        jasmine.objectContaining({ kind: 'auth', status: 403 }),
      );
      expect(toKiiError('APP_DISABLED: disabled')).toEqual(
        jasmine.objectContaining({ kind: 'forbidden', status: 403 }),
      );
    });
  });

  describe('KiiXHRWrapper strings (thing sign-in, installations, endpoints)', () => {
    it('reads status, code and message', () => {
      const error = toKiiError(
        new Error(
          'uninstall push failed. statusCode: 404 error code: INSTALLATION_NOT_FOUND message: gone',
        ),
      );
      expect(error).toEqual({
        kind: 'not-found',
        errorCode: 'INSTALLATION_NOT_FOUND',
        status: 404,
        message: kiiErrorMessage('not-found', 'INSTALLATION_NOT_FOUND'),
        detail: 'gone',
      });
    });

    it('reads invalid_grant of a thing sign-in as auth', () => {
      const error = toKiiError(
        'authenticate as thing failed. statusCode: 400 error code: invalid_grant message: no',
      );
      expect(error.kind).toBe('auth');
      expect(error.status).toBe(400);
    });

    it('reads statusCode 0 as network', () => {
      expect(toKiiError('authenticate as thing failed. statusCode: 0').kind).toBe('network');
    });

    it('reads MQTT_ENDPOINT_NOT_READY, and a bare 503 of the endpoint call, as not-ready', () => {
      expect(
        toKiiError(
          'get mqtt endpoint failed. statusCode: 503 error code: MQTT_ENDPOINT_NOT_READY message: wait',
        ),
      ).toEqual(jasmine.objectContaining({ kind: 'not-ready', status: 503 }));
      expect(toKiiError('get mqtt endpoint failed. statusCode: 503').kind).toBe('not-ready');
      expect(toKiiError('install push failed. statusCode: 503').kind).toBe('server');
    });

    it('treats a failure reported with status 200 as a malformed server answer', () => {
      const error = toKiiError(
        'invalid format response when authenticate thing  failed. statusCode: 200',
      );
      expect(error.kind).toBe('server');
      expect(error.status).toBe(200);
    });
  });

  describe('HttpClient errors', () => {
    it('reads a Kii error body', () => {
      const error = toKiiError(
        new HttpErrorResponse({
          status: 409,
          error: { errorCode: 'TOPIC_ALREADY_EXISTS', message: 'exists' },
        }),
      );
      expect(error).toEqual(
        jasmine.objectContaining({
          kind: 'conflict',
          errorCode: 'TOPIC_ALREADY_EXISTS',
          status: 409,
          detail: 'exists',
        }),
      );
    });

    it('reads an OAuth body given as text, with error_description', () => {
      const error = toKiiError(
        new HttpErrorResponse({
          status: 400,
          error: '{"errorCode":"invalid_grant","error_description":"bad secret"}',
        }),
      );
      expect(error).toEqual(
        jasmine.objectContaining({
          kind: 'auth',
          errorCode: 'invalid_grant',
          detail: 'bad secret',
        }),
      );
    });

    it('reads status 0 as network and a body-less 500 as server', () => {
      expect(toKiiError(new HttpErrorResponse({ status: 0 })).kind).toBe('network');
      const server = toKiiError(new HttpErrorResponse({ status: 500, error: '<html>' }));
      expect(server.kind).toBe('server');
      expect(server.errorCode).toBeUndefined();
    });

    it('reads a 401 and a 403 without code by their status', () => {
      expect(toKiiError(new HttpErrorResponse({ status: 401 })).kind).toBe('auth');
      expect(toKiiError(new HttpErrorResponse({ status: 403 })).kind).toBe('forbidden');
    });
  });

  describe('everything else', () => {
    it("reads the SDK's client-side argument checks as invalid, without a status", () => {
      const error = toKiiError(new Error('vendorThingID or password is invalid'));
      expect(error.kind).toBe('invalid');
      expect(error.status).toBe(-1);
    });

    it('reads a fetch TypeError as network', () => {
      expect(toKiiError(new TypeError('Failed to fetch')).kind).toBe('network');
    });

    it('reads unknown values as unknown and keeps their text', () => {
      expect(toKiiError(undefined)).toEqual(jasmine.objectContaining({ kind: 'unknown' }));
      const error = toKiiError(new Error('boom'));
      expect(error.kind).toBe('unknown');
      expect(error.detail).toBe('boom');
      expect(error.message).toBe(kiiErrorMessage('unknown'));
    });

    it('passes a KiiError through unchanged', () => {
      const error = makeKiiError('conflict', { status: 409, errorCode: 'X' });
      expect(toKiiError(error)).toBe(error);
      expect(isKiiError(error)).toBeTrue();
      expect(isKiiError(new Error('x'))).toBeFalse();
    });
  });

  it('has a human message for every kind', () => {
    const kinds = [
      'network',
      'auth',
      'not-found',
      'conflict',
      'not-ready',
      'invalid',
      'forbidden',
      'server',
      'unknown',
    ] as const;
    const messages = kinds.map((kind) => kiiErrorMessage(kind));
    expect(new Set(messages).size).toBe(kinds.length);
    for (const message of messages) expect(message.length).toBeGreaterThan(5);
  });
});
