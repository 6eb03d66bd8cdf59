/**
 * One request and its response head for the functional phases, on Node's
 * own HTTP client (keep-alive agent). Node's client skips every 1xx interim
 * response before the final one, `100 Continue` included (RFC 9110 §15.2:
 * a client parses any 1xx, asked for or not), which undici refuses as a
 * "bad response". It also says whether the request went out on a reused
 * connection, so a GET that meets a keep-alive connection the server closed
 * (before any byte of an answer) is resent once on a fresh one, as Go's
 * client (k6) does; a request on a fresh connection never is. A POST is
 * never resent, so it always goes on a connection of its own: a close that
 * is still on its way cannot cost it (the functional phases send two).
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { trustedCas } from './tls.js';

/** Resent once after a stale connection: safe and idempotent (RFC 9110 §9.2.2) and asked for by the issue. */
const RESENDABLE = new Set(['GET', 'HEAD']);

export interface ExchangeRequest {
  method: string;
  url: URL;
  headers: OutgoingHttpHeaders;
  body?: string;
  /** aborts the request and its body (the caller's end-to-end deadline) */
  signal: AbortSignal;
}

export interface Exchanged {
  res: IncomingMessage;
  /** sent a second time, on a fresh connection, after the reused one closed unanswered */
  resent: boolean;
}

/** A reused connection that failed before any byte of the answer arrived. */
class StaleConnection extends Error {
  constructor(readonly original: unknown) {
    super('stale keep-alive connection');
  }
}

/**
 * Node leaves an idle keep-alive socket unread, so a close the server sent
 * after its last response goes unnoticed until the next request is written
 * to it. Idle sockets are read here: the close, or any byte nobody asked
 * for, destroys the socket and the agent drops it (one resend fewer).
 */
const IDLE = Symbol('golive.idle');
type Watched = Duplex & { [IDLE]?: () => void };

function watchIdle(socket: Watched): void {
  const gone = (): void => { socket.destroy(); };
  socket.on('data', gone);
  socket.on('end', gone);
  socket[IDLE] = () => {
    socket.off('data', gone);
    socket.off('end', gone);
  };
}

/** Keeps the socket for the next request unless the server already closed its side. */
function keepWatched(socket: Duplex, keep: (s: Duplex) => boolean): boolean {
  if (socket.readableEnded || !socket.readable || !keep(socket)) return false;
  watchIdle(socket);
  return true;
}

function unwatch(socket: Watched): void {
  socket[IDLE]?.();
  socket[IDLE] = undefined;
}

/** The agent with its idle sockets watched. */
function watched<A extends HttpAgent>(agent: A): A {
  const keep = agent.keepSocketAlive.bind(agent) as (s: Duplex) => boolean;
  const reuse = agent.reuseSocket.bind(agent);
  agent.keepSocketAlive = (socket: Duplex): boolean => keepWatched(socket, keep);
  agent.reuseSocket = (socket: Duplex, request: ClientRequest): void => {
    unwatch(socket);
    reuse(socket, request);
  };
  return agent;
}

export class Exchanger {
  private readonly http = watched(new HttpAgent({ keepAlive: true }));
  private readonly https: HttpsAgent;
  private readonly cas: string[] | undefined;

  constructor(ca: string | undefined) {
    this.cas = trustedCas(ca);
    this.https = watched(new HttpsAgent({ keepAlive: true, ...(this.cas ? { ca: this.cas } : {}) }));
  }

  async send(req: ExchangeRequest): Promise<Exchanged> {
    // A POST (or PUT, ...) is never resent, so it never risks a connection the server may be closing.
    if (!RESENDABLE.has(req.method)) return { res: await this.once(req, true), resent: false };
    try {
      return { res: await this.once(req), resent: false };
    } catch (err) {
      if (!(err instanceof StaleConnection)) throw err;
      if (req.signal.aborted) throw err.original;
      // On a connection of its own: another idle one of the pool could be just as stale.
      return { res: await this.once(req, true), resent: true };
    }
  }

  private once(req: ExchangeRequest, fresh = false): Promise<IncomingMessage> {
    const tls = req.url.protocol === 'https:';
    const agent = fresh ? false : tls ? this.https : this.http;
    const ca = fresh && tls && this.cas ? { ca: this.cas } : {};
    return new Promise((resolve, reject) => {
      let answered = false;
      let socket: Socket | undefined;
      const onData = (): void => { answered = true; };
      const r = (tls ? httpsRequest : httpRequest)(req.url, { method: req.method, headers: req.headers, agent, signal: req.signal, ...ca });
      r.on('socket', (s: Socket) => {
        socket = s;
        s.on('data', onData);
      });
      r.on('response', (res) => {
        socket?.off('data', onData);
        resolve(res);
      });
      r.on('error', (err) => {
        socket?.off('data', onData);
        reject(r.reusedSocket && !answered && !req.signal.aborted ? new StaleConnection(err) : err);
      });
      r.end(req.body);
    });
  }

  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}
