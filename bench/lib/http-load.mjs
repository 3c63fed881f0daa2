// Plain JavaScript: worker threads here load it without the TypeScript loader.
// A worker-thread load generator: CONCURRENCY keep-alive callers POST one body back to back for
// SECONDS and report requests per second. Runs off the server's thread so client work is not
// counted against the server.
import http from 'node:http';
import { parentPort } from 'node:worker_threads';


function post(agent, url, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(body);
  });
}

parentPort.on('message', async (job) => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  try {
    const until = Date.now() + job.seconds * 1000;
    let done = 0;
    const start = performance.now();
    await Promise.all(Array.from({ length: job.concurrency }, async () => {
      while (Date.now() < until) {
        const status = await post(agent, job.url, job.body);
        if (status !== 200) throw new Error(`${job.url} answered ${status}`);
        done++;
      }
    }));
    parentPort.postMessage({ id: job.id, rps: (done * 1000) / (performance.now() - start) });
  } catch (error) {
    parentPort.postMessage({ id: job.id, error: String(error) });
  } finally {
    agent.destroy();
  }
});
