// A TCP proxy in front of the API server that cuts every connection after `lifeMs`:
// short requests get through, long-lived watches are dropped, like a flaky load balancer.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface FlakyProxy { port: number; close(): Promise<void> }

export async function startFlakyProxy(targetPort: number, lifeMs: number): Promise<FlakyProxy> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    const cut = setTimeout(() => { client.destroy(); upstream.destroy(); }, lifeMs);
    const done = () => { clearTimeout(cut); client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream); };
    client.on('error', done).on('close', done);
    upstream.on('error', done).on('close', done);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : 0,
    close: () => new Promise<void>((ok) => { for (const s of sockets) s.destroy(); server.close(() => ok()); }),
  };
}
