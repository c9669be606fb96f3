import { liveMessage, topicPayload } from '../../../testing/live-messages';
import { LiveMessage } from './live-message';
import {
  CompiledFilter,
  MessageFilter,
  NO_FILTER,
  compileFilter,
  isEmptyFilter,
} from './message-filter';

describe('message filters', () => {
  const warning = liveMessage(
    topicPayload('announcements', { severity: 'warning', count: 3, title: 'New feature' }),
  );
  const info = liveMessage(
    topicPayload('maintenance', { severity: 'info', flag: true, gone: null }),
  );
  const direct = liveMessage(
    JSON.stringify({ severity: 'warning', sourceURI: 'kiicloud://users/u1' }),
    { mqttTopic: 'direct-mqtt' },
  );
  const plain = liveMessage('Severity=warning but not JSON');
  const all = [warning, info, direct, plain];

  function matching(filter: Partial<MessageFilter>): LiveMessage[] {
    const compiled = compileFilter({ ...NO_FILTER, ...filter });
    if (!compiled.ok) throw new Error(compiled.error);
    return all.filter(compiled.matches);
  }

  it('lets everything through when empty', () => {
    const compiled = compileFilter(NO_FILTER) as Extract<CompiledFilter, { ok: true }>;
    expect(compiled.active).toBeFalse();
    expect(all.filter(compiled.matches)).toEqual(all);
    expect(isEmptyFilter({ text: ' ', topic: '', fields: '' })).toBeTrue();
  });

  it('matches text anywhere in the payload, ignoring case', () => {
    expect(matching({ text: 'WARNING' })).toEqual([warning, direct, plain]);
    expect(matching({ text: 'new feature' })).toEqual([warning]);
  });

  it('matches any of the listed topics, with * wildcards, or the MQTT topic', () => {
    expect(matching({ topic: 'maintenance' })).toEqual([info]);
    expect(matching({ topic: 'announcements, maintenance' })).toEqual([warning, info]);
    expect(matching({ topic: 'ann*' })).toEqual([warning]);
    expect(matching({ topic: 'direct-mqtt' })).toEqual([direct]);
    expect(matching({ topic: 'a.nouncements' })).toEqual([]);
  });

  it('matches key=value pairs on the payload, all of them, comparing the value as text', () => {
    expect(matching({ fields: 'severity=warning' })).toEqual([warning, direct]);
    expect(matching({ fields: 'severity=warning count=3' })).toEqual([warning]);
    expect(matching({ fields: 'title="New feature"' })).toEqual([warning]);
    expect(matching({ fields: 'flag=true gone=null' })).toEqual([info]);
    expect(matching({ fields: 'missing=' })).toEqual([]);
  });

  it('matches the routing keys of the tap', () => {
    const tapped = liveMessage(JSON.stringify({ pushMessageID: 'pm7', payload: { a: 'b' } }), {
      wrapped: true,
    });
    const compiled = compileFilter({ ...NO_FILTER, fields: 'pushMessageID=pm7 a=b' });
    expect(compiled.ok && compiled.matches(tapped)).toBeTrue();
  });

  it('combines the fields', () => {
    expect(matching({ text: 'feature', topic: 'announcements', fields: 'count=3' })).toEqual([
      warning,
    ]);
    expect(matching({ text: 'feature', topic: 'maintenance' })).toEqual([]);
  });

  it('explains a payload term that is not key=value', () => {
    const compiled = compileFilter({ ...NO_FILTER, fields: 'severity=warning oops' });
    expect(compiled.ok).toBeFalse();
    expect(!compiled.ok && compiled.error).toContain('"oops" is not key=value');
  });
});
