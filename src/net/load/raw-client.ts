/**
 * The closed model's hot path: a minimal HTTP/1.1 client, one socket per
 * worker, the request serialized once and written with a single write, the
 * next request written from inside the read that completed the previous one
 * (undici waits an event-loop turn there). Plain TCP reads into a reused
 * buffer (`onread`), so no Buffer is made per response. A response that says
 * Connection: close, a parse error or a socket error ends the connection; the
 * next request connects again, and its latency includes connecting (from
 * dispatch, like ab's "Total"). A GET written to a reused connection that
 * closes before any byte of its answer is resent once on a fresh one (the
 * server's idle close raced our write: the request never reached it); a
 * POST, a fresh connection or a second failure settles as the failure it is.
 * TLS verifies the peer against the default
 * roots plus the optional extra CA, exactly like the undici path.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { trustedCas } from '../tls.js';
import { ClosedModel, workerCount } from './closed.js';
import type { RawTarget } from './raw-request.js';
import { DONE, FAILED, NEED_MORE, ResponseParser } from './response-parser.js';
import { LoadSlot, type SlotOwner } from './run-state.js';
import type { LoadOptions } from './types.js';

const READ_BUFFER_BYTES = 64 * 1024;

/** How a worker reaches the target; shared by all workers of a run. */
export interface RawEndpoint {
  /** where to connect (the first request's target: every request of a run shares the origin) */
  target: RawTarget;
  /** each request of the mix, serialized once (one entry without a mix) */
  targets: readonly RawTarget[];
  /** default roots plus the extra CA, or undefined for the default roots */
  ca: string[] | undefined;
  /**
   * Plain TCP reads land here, for every worker: each read is parsed before
   * the next one starts, and the parser copies whatever it keeps.
   */
  readBuffer: Buffer;
}

export class RawWorker extends LoadSlot {
  private socket: Socket | null = null;
  private readonly parser = new ResponseParser();
  private tlsSession: Buffer | undefined;
  /** the connection has carried a response before this request */
  private reused = false;
  /** a byte of this request's answer arrived */
  private answered = false;
  private resent = false;
  /** responses completed on the current connection */
  private served = 0;
  /** the current connection was opened ahead of its first request (preconnect): it may idle out like a reused one */
  private ahead = false;

  constructor(private readonly owner: SlotOwner<RawWorker>, private readonly endpoint: RawEndpoint) {
    super();
  }

  override begin(t0: number, sentAt: number): void {
    super.begin(t0, sentAt);
    this.parser.reset();
    this.parser.capture = this.capture;
    this.answered = false;
    this.resent = false;
  }

  /** Writes the begun request, connecting first if there is no open connection. */
  send(): void {
    this.reused = this.socket !== null && (this.served > 0 || this.ahead);
    const socket = this.socket ?? this.connect();
    socket.write((this.endpoint.targets[this.request] ?? this.endpoint.target).request);
  }

  /**
   * Opens the connection ahead of any request; resolves once it is up, or
   * failed (the first request then connects again and meets the failure
   * itself), or after `withinMs`, whatever comes first.
   */
  preconnect(withinMs: number): Promise<void> {
    if (this.socket !== null) return Promise.resolve();
    const socket = this.connect();
    this.ahead = true;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, withinMs);
      function done(): void {
        clearTimeout(timer);
        socket.off('connect', done).off('secureConnect', done).off('close', done);
        resolve();
      }
      socket.once(this.endpoint.target.tls ? 'secureConnect' : 'connect', done).once('close', done);
    });
  }

  abort(err: Error): void {
    if (!this.busy) return;
    this.drop();
    this.finish(err);
  }

  /** Closes the connection; a request in flight is not settled (abort does that). */
  close(): void {
    this.drop();
  }

  private connect(): Socket {
    const { target, ca } = this.endpoint;
    let socket: Socket;
    if (target.tls) {
      socket = tlsConnect({
        host: target.host,
        port: target.port,
        servername: target.servername,
        ca,
        rejectUnauthorized: true,
        session: this.tlsSession,
        ALPNProtocols: ['http/1.1'],
      });
      socket.on('data', (chunk: Buffer) => { this.onRead(socket, chunk, chunk.length); });
      socket.on('session', (session: Buffer) => { this.tlsSession = session; });
    } else {
      socket = netConnect({
        host: target.host,
        port: target.port,
        onread: {
          buffer: this.endpoint.readBuffer,
          callback: (n: number, buf: Buffer): boolean => { this.onRead(socket, buf, n); return true; },
        },
      });
    }
    socket.setNoDelay(true);
    socket.on('error', (err: Error) => { this.onEnd(socket, err); });
    socket.on('end', () => { this.onEnd(socket, undefined); });
    socket.on('close', () => { this.onEnd(socket, undefined); });
    this.socket = socket;
    this.served = 0;
    this.ahead = false;
    return socket;
  }

  private onRead(socket: Socket, buf: Buffer, n: number): void {
    if (socket !== this.socket) return;
    if (!this.busy) {
      // Bytes nobody asked for: the connection is out of step.
      this.drop();
      return;
    }
    this.answered = true;
    const parser = this.parser;
    const r = parser.feed(buf, 0, n);
    if (r === NEED_MORE) return;
    this.bytes = parser.bytes;
    if (r === FAILED) {
      this.drop();
      this.finish(new Error(`invalid response: ${parser.error}`));
      return;
    }
    if (r === DONE) {
      this.status = parser.status;
      this.served++;
      if (!parser.keepAlive || parser.extra) this.drop();
      this.finish(undefined);
    }
  }

  /** The connection ended (error, FIN or close), whatever came first. */
  private onEnd(socket: Socket, err: Error | undefined): void {
    if (socket !== this.socket) return;
    this.drop();
    if (!this.busy) return;
    if (this.reused && !this.answered && !this.resent && (this.endpoint.targets[this.request] ?? this.endpoint.target).idempotent && !this.cancelled) {
      // Once, and only from a reused connection: a fresh one that fails is the target's answer.
      this.resent = true;
      this.owner.resent();
      this.send();
      return;
    }
    const parser = this.parser;
    this.bytes = parser.bytes;
    if (err === undefined && parser.untilClose) {
      this.status = parser.status;
      this.finish(undefined);
    } else {
      this.finish(err ?? new Error('other side closed'));
    }
  }

  private drop(): void {
    const socket = this.socket;
    this.socket = null;
    socket?.destroy();
  }

  private finish(err: Error | undefined): void {
    this.busy = false;
    this.owner.settle(this, err);
  }
}

/** One endpoint per run: the request bytes built once, one read buffer for every connection. */
export function rawEndpoint(targets: readonly [RawTarget, ...RawTarget[]], ca: string | undefined): RawEndpoint {
  const target = targets[0];
  return { target, targets, ca: trustedCas(ca), readBuffer: Buffer.allocUnsafe(target.tls ? 0 : READ_BUFFER_BYTES) };
}

/** The closed model on the raw client, for requests rawTarget() accepted. */
export class RawClosedLoad extends ClosedModel<RawWorker> {
  constructor(opts: LoadOptions, targets: readonly [RawTarget, ...RawTarget[]], requests: number, concurrency: number) {
    super(opts, requests);
    const endpoint = rawEndpoint(targets, opts.ca);
    for (let i = workerCount(requests, concurrency); i > 0; i--) this.slots.push(new RawWorker(this, endpoint));
  }

  protected dispatch(slot: RawWorker): void {
    slot.send();
  }

  protected async destroyDispatchers(): Promise<void> {
    for (const w of this.slots) w.close();
  }
}
