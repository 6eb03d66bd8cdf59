// The smallest possible Node HTTP/1.1 keep-alive load client, as a yardstick:
// C connections, N GET requests, latency from write to the last body byte.
// It does nothing else, so what it measures is the machine's floor (loopback,
// scheduling, one event loop) that any Node client pays; golive's accuracy
// test holds golive against it. Prints {"p50":…,"p95":…,"count":…} as JSON.
import net from 'node:net';

const [port, total, concurrency, path] = [Number(process.argv[2]), Number(process.argv[3]), Number(process.argv[4]), process.argv[5] ?? '/health'];
const request = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
const latencies = [];
let started = 0;
const deadline = setTimeout(() => { console.error('minimal client: deadline passed'); process.exit(2); }, 120_000);

function worker() {
  const socket = net.connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  let t0 = 0;
  let buf = '';
  const send = () => {
    if (started >= total) { socket.end(); return; }
    started++;
    buf = '';
    t0 = performance.now();
    socket.write(request);
  };
  socket.on('connect', send);
  socket.on('error', (err) => { console.error(`minimal client: ${err.message}`); process.exit(2); });
  socket.on('data', (d) => {
    buf += d;
    const head = buf.indexOf('\r\n\r\n');
    if (head < 0) return;
    const len = Number(/content-length: *(\d+)/i.exec(buf.slice(0, head))?.[1] ?? 0);
    if (buf.length - head - 4 < len) return;
    latencies.push(performance.now() - t0);
    if (latencies.length === total) {
      clearTimeout(deadline);
      latencies.sort((a, b) => a - b);
      const at = (p) => latencies[Math.min(total - 1, Math.ceil((p / 100) * total) - 1)];
      console.log(JSON.stringify({ p50: at(50), p95: at(95), count: total }));
      process.exit(0);
    }
    send();
  });
}
for (let i = 0; i < concurrency; i++) worker();
