import { FAKE_CLOCK_START } from '../../../testing/fake-live-clock';
import { liveMessage } from '../../../testing/live-messages';
import { exportFileName, toCsv, toNdjson } from './message-export';

describe('exports', () => {
  const topicPush = liveMessage(
    '{"title":"Hi, \\"you\\"","topic":"news","sourceURI":"kiicloud://topics/news","objectScopeType":"APP","senderURI":"kiicloud://admins/APP_ADMIN"}',
    { monitorLabel: 'All traffic', mqttTopic: 'tap-1' },
  );
  const pretty = liveMessage('{\n  "a": 1\n}', {
    receivedAt: FAKE_CLOCK_START + 1500,
    monitorLabel: 'Topics: news',
  });
  const text = liveMessage('=cmd|calc, then "quit"\r\nbye', {
    monitorLabel: 'Installation of user alice',
  });
  const binary = liveMessage(new Uint8Array([0xff, 0xfe, 0x41]), { monitorLabel: 'x' });

  it('writes one JSON object per line, JSON payloads as JSON', () => {
    expect(toNdjson([topicPush, pretty])).toBe(
      '{"time":"2026-01-05T09:00:00.000Z","monitor":"All traffic","mqttTopic":"tap-1","topic":"news",' +
        '"sender":"admins/APP_ADMIN","scope":"app","scopeOwner":"","size":' +
        topicPush.size +
        ',"payload":{"title":"Hi, \\"you\\"","topic":"news","sourceURI":"kiicloud://topics/news","objectScopeType":"APP","senderURI":"kiicloud://admins/APP_ADMIN"}}\n' +
        '{"time":"2026-01-05T09:00:01.500Z","monitor":"Topics: news","mqttTopic":"mqtt-topic-1","topic":"",' +
        '"sender":"","scope":"unknown","scopeOwner":"","size":12,"payload":{"a":1}}\n',
    );
  });

  it('writes other text as a JSON string and bytes that are not UTF-8 as base64', () => {
    const lines = toNdjson([text, binary]).split('\n');
    expect(lines.length).toBe(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[0])['payload']).toBe('=cmd|calc, then "quit"\r\nbye');
    expect(JSON.parse(lines[1])['payloadBase64']).toBe('//5B');
    expect(JSON.parse(lines[1])['payload']).toBeUndefined();
  });

  it('writes RFC 4180 CSV with quoting, CRLF line ends and formula protection', () => {
    expect(toCsv([topicPush, text, binary])).toBe(
      'time,monitor,mqttTopic,topic,sender,scope,scopeOwner,size,payloadEncoding,payload\r\n' +
        `2026-01-05T09:00:00.000Z,All traffic,tap-1,news,admins/APP_ADMIN,app,,${topicPush.size},utf-8,` +
        '"{""title"":""Hi, \\""you\\"""",""topic"":""news"",""sourceURI"":""kiicloud://topics/news"",""objectScopeType"":""APP"",""senderURI"":""kiicloud://admins/APP_ADMIN""}"\r\n' +
        `2026-01-05T09:00:00.000Z,Installation of user alice,mqtt-topic-1,,,unknown,,${text.size},utf-8,` +
        `"'=cmd|calc, then ""quit""\r\nbye"\r\n` +
        '2026-01-05T09:00:00.000Z,x,mqtt-topic-1,,,unknown,,3,base64,//5B\r\n',
    );
  });

  it('writes only the header for no messages', () => {
    expect(toCsv([])).toBe(
      'time,monitor,mqttTopic,topic,sender,scope,scopeOwner,size,payloadEncoding,payload\r\n',
    );
    expect(toNdjson([])).toBe('');
  });

  it('names the file after the monitor and the local time', () => {
    const at = new Date(2026, 2, 1, 10, 15, 2);
    expect(exportFileName('All traffic', 'ndjson', at)).toBe(
      'kpc-all-traffic-20260301-101502.ndjson',
    );
    expect(exportFileName('ユーザー', 'csv', at)).toBe('kpc-monitor-20260301-101502.csv');
  });
});
