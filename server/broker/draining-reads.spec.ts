import { Duplex } from 'node:stream';
import WebSocket from 'ws';
import { kiiRest } from '../testing/kii-rest';
import { rawPackets } from '../testing/mqtt-clients';
import { startTestServer } from '../testing/test-server';
import { withDrainingReads } from './draining-reads';

/** A stream whose read() hands out one buffered chunk at a time, as Node 26's does. */
function oneChunkPerRead(chunks: Buffer[]): Duplex {
  const stream = new Duplex({ read() {}, write: (_chunk, _encoding, done) => done() });
  const queue = [...chunks];
  stream.read = () => queue.shift() ?? null;
  return stream;
}

describe('reads handed to aedes', () => {
  it('return everything buffered even where read() gives out one chunk at a time', () => {
    const stream = withDrainingReads(oneChunkPerRead([Buffer.from('10'), Buffer.from('0c00')]));
    expect(stream.read()?.toString()).toBe('100c00');
    expect(stream.read()).toBeNull();
  });

  it('answer a CONNECT that arrives in two WebSocket messages', async () => {
    const server = await startTestServer();
    try {
      const rest = kiiRest(server);
      const user = await rest.registerUser('split-connect');
      const endpoint = await rest.mqttEndpointFor(user.token);
      const connect = rawPackets.connect({
        clientId: endpoint.mqttTopic,
        username: endpoint.username,
        password: endpoint.password,
        keepaliveSeconds: 60,
      });
      const ws = new WebSocket(`ws://127.0.0.1:${server.app.kii.ports.http}/mqtt`, 'mqtt');
      const connack = new Promise<Buffer>((resolve, reject) => {
        ws.once('message', (data) => resolve(data as Buffer));
        setTimeout(() => reject(new Error('no CONNACK within 3 s')), 3000);
      });
      ws.once('open', () => {
        ws.send(connect.subarray(0, 2));
        ws.send(connect.subarray(2));
      });
      expect((await connack).toString('hex')).toBe('20020000');
      ws.terminate();
    } finally {
      await server.close();
    }
  });
});
