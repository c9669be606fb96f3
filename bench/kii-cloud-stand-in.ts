import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Kii Cloud stand-in for bench:team's installations page: a loopback proxy in front of the
 * local Kii server that answers 404 for its `x-local` extensions and forwards everything else.
 * Kii Cloud has no installation listing (docs/kii-api.md §5.6), so the console server lists a
 * Kii Cloud app from the team's shared registry; through this proxy the demo app is such an app,
 * and the page shows the registry's rows instead of the local server's own listing.
 */
export interface KiiCloudStandIn {
  /** The proxied base URL (the local server's, with this proxy's host and port). */
  baseUrl: string;
  close(): Promise<void>;
}

export async function startKiiCloudStandIn(kiiBaseUrl: string): Promise<KiiCloudStandIn> {
  const target = new URL(kiiBaseUrl);
  const server: Server = createServer((incoming, answer) => {
    if ((incoming.url ?? '').includes('/x-local/')) {
      answer.writeHead(404, { 'content-type': 'application/json' });
      answer.end(JSON.stringify({ errorCode: 'NOT_FOUND', message: 'Kii Cloud has no x-local' }));
      return;
    }
    const forward = request(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, host: target.host },
      },
      (reply) => {
        answer.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(answer);
      },
    );
    forward.on('error', () => {
      if (!answer.headersSent) answer.writeHead(502);
      answer.end();
    });
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${target.pathname.replace(/\/+$/, '')}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
