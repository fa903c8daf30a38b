import http from 'node:http';

/**
 * The client side of `latencies` (bench-kit), in a process of its own: it sends the requests it
 * is given one after another over one keep-alive connection and reports each one's time. A
 * process that has just bulk-loaded 10^6 registrants has a heap that needs a full GC every
 * ~200 ms while it sends requests (5–20 ms pauses): measured from there, the client's pauses
 * were the p99 of the server. This process holds nothing but the requests.
 */
export interface LatencyJob {
  url: string;
  requests: Array<{ body: string; headers: Record<string, string> }>;
}

export interface LatencyResult {
  /** Milliseconds per request, in the order sent; or the first failure. */
  times?: number[];
  error?: string;
}

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** One POST over the keep-alive connection (node:http: fetch's own overhead would dominate small answers). */
function post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', agent: keepAlive, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

async function run(job: LatencyJob): Promise<LatencyResult> {
  const times: number[] = [];
  for (const { body, headers } of job.requests) {
    const started = process.hrtime.bigint();
    const response = await post(job.url, body, headers);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (response.status !== 200 || response.text.includes('"errors"')) return { error: `bench request failed: ${response.status} ${response.text.slice(0, 200)}` };
  }
  return { times };
}

process.once('message', (job: LatencyJob) => {
  run(job).then(
    (result) => process.send!(result, () => process.exit(0)),
    (error: unknown) => process.send!({ error: error instanceof Error ? error.message : String(error) }, () => process.exit(0)),
  );
});
