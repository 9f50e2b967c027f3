import { serve, type ServerType } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackServer {
  port: number;
  /** Stops the server; kept-alive sockets are dropped, since they would otherwise hold close() for seconds. */
  close(): Promise<void>;
}

/** Serves `app` with @hono/node-server on a free port of 127.0.0.1: the real socket stack a client meets. */
export async function listenOnLoopback(app: {
  fetch: (request: Request) => Response | Promise<Response>;
}): Promise<LoopbackServer> {
  const server = await new Promise<ServerType>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      (server as Server).closeAllConnections();
      await closed;
    },
  };
}
