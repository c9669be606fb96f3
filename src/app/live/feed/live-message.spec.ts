import { liveMessage, topicPayload } from '../../../testing/live-messages';
import { decodePayload } from './live-message';

describe('LiveMessage', () => {
  it('reads topic, sender and scope of an app topic push', () => {
    const message = liveMessage(topicPayload('announcements', { title: 'Hello' }));
    expect(message.parse().isJson).toBeTrue();
    expect(message.summary).toEqual(
      jasmine.objectContaining({
        topic: 'announcements',
        sender: 'admins/APP_ADMIN',
        scope: 'app',
        scopeOwner: '',
      }),
    );
    expect(message.summary.preview).toContain('"title":"Hello"');
  });

  it('reads user and thing scopes from the object scope keys', () => {
    const user = liveMessage(
      JSON.stringify({
        topic: 'news',
        objectScopeType: 'APP_AND_USER',
        objectScopeUserID: 'u1',
        senderURI: 'kiicloud://users/u1',
        sender: 'u1',
      }),
    );
    expect(user.summary).toEqual(
      jasmine.objectContaining({
        topic: 'news',
        scope: 'user',
        scopeOwner: 'u1',
        sender: 'users/u1',
      }),
    );
    const thing = liveMessage(
      JSON.stringify({
        topic: 'alerts',
        objectScopeType: 'APP_AND_THING',
        objectScopeThingID: 'th.1',
      }),
    );
    expect(thing.summary).toEqual(
      jasmine.objectContaining({ topic: 'alerts', scope: 'thing', scopeOwner: 'th.1', sender: '' }),
    );
  });

  it('recognises a direct push and scopes without the scope keys by the source URI', () => {
    const direct = liveMessage(
      JSON.stringify({
        m: 1,
        sourceURI: 'kiicloud://users/u2',
        senderURI: 'kiicloud://admins/APP_ADMIN',
      }),
    );
    expect(direct.summary).toEqual(
      jasmine.objectContaining({ topic: '', scope: 'direct', scopeOwner: 'u2' }),
    );
    const thingTopic = liveMessage(
      JSON.stringify({ sourceURI: 'kiicloud://things/th.9/topics/t1' }),
    );
    expect(thingTopic.summary).toEqual(
      jasmine.objectContaining({ topic: 't1', scope: 'thing', scopeOwner: 'th.9' }),
    );
  });

  it("reads the tap's wrapper: the inner payload, with the routing as fallback", () => {
    const wrapped = liveMessage(
      JSON.stringify({
        pushMessageID: 'pm1',
        target: 'kiicloud://topics/maintenance',
        sender: 'kiicloud://admins/APP_ADMIN',
        recipients: 3,
        sentAt: 1,
        payload: { note: 'hi' },
      }),
      { wrapped: true },
    );
    expect(wrapped.parse().push).toEqual({ note: 'hi' });
    expect(wrapped.parse().routing?.['pushMessageID']).toBe('pm1');
    expect(wrapped.summary).toEqual(
      jasmine.objectContaining({
        topic: 'maintenance',
        scope: 'app',
        sender: 'admins/APP_ADMIN',
        preview: '{"note":"hi"}',
      }),
    );
  });

  it('keeps text that is not JSON as text, on one line', () => {
    const message = liveMessage('hello\nworld\u0007!');
    expect(message.parse()).toEqual({
      isJson: false,
      json: undefined,
      push: undefined,
      routing: undefined,
    });
    expect(message.summary).toEqual(
      jasmine.objectContaining({ topic: '', scope: 'unknown', preview: 'hello world !' }),
    );
  });

  it('cuts long previews', () => {
    const message = liveMessage(JSON.stringify({ text: 'x'.repeat(500) }));
    expect(message.summary.preview.length).toBe(121);
    expect(message.summary.preview.endsWith('…')).toBeTrue();
  });

  it('keeps the bytes of a payload that is not UTF-8', () => {
    const bytes = new Uint8Array([0xff, 0x00, 0x41]);
    const decoded = decodePayload(bytes);
    expect(decoded.binary).toEqual(bytes);
    expect(decoded.binary).not.toBe(bytes);
    expect(decoded.text).toBe('\ufffd\u0000A');
    const message = liveMessage(bytes);
    expect(message.parse().isJson).toBeFalse();
    expect(message.size).toBe(3);
  });

  it('decodes UTF-8 without keeping bytes', () => {
    expect(decodePayload(new TextEncoder().encode('こんにちは'))).toEqual({
      text: 'こんにちは',
      binary: null,
    });
  });

  it('parses anew on each use and keeps only the summary', () => {
    const message = liveMessage(topicPayload('news', { n: 1 }));
    expect(message.parse().json).toEqual(message.parse().json);
    expect(message.parse().json).not.toBe(message.parse().json);
    expect(message.summary).toBe(message.summary);
  });
});
