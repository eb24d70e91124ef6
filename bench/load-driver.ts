/**
 * The load generator of the API benchmark, run as its own process so it does not share the
 * server's event loop: autocannon against one URL, its summary as one JSON line on stdout.
 *
 *   node .bench-build/bench/load-driver.js '{"url":"http://127.0.0.1:8080/api/overview","connections":50,"durationS":10,"headers":{}}'
 */
import autocannon from 'autocannon';

interface DriverOptions {
  url: string;
  connections: number;
  durationS: number;
  headers: Record<string, string>;
}

const options = JSON.parse(process.argv[2] ?? '{}') as DriverOptions;
const result = await autocannon({ url: options.url, connections: options.connections, duration: options.durationS, headers: options.headers });
const summary = {
  requestsPerSec: result.requests.average,
  p50Ms: result.latency.p50,
  p99Ms: result.latency.p99,
  requests: result.requests.total,
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
