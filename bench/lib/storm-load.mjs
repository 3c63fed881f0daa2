// Plain JavaScript: worker threads here load it without the TypeScript loader.
// Clients in a worker thread (off the server's process) that POST one-text /embed requests back
// to back for SECONDS: polite ones wait retry-after on a 429, stormy ones send again at once.
// Reports good answers (200), refusals (429) and anything else.
import http from 'node:http';
import { parentPort } from 'node:worker_threads';

function post(agent, url, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, retryAfter: Number(res.headers['retry-after'] ?? 0) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

parentPort.on('message', async (job) => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.clients });
  const counts = { ok: 0, refused: 0, other: 0 };
  let n = 0;
  try {
    const until = Date.now() + job.seconds * 1000;
    const start = performance.now();
    await Promise.all(Array.from({ length: job.clients }, async () => {
      while (Date.now() < until) {
        const body = JSON.stringify({ inputs: [`${job.text} ${job.id}-${n++}`] });
        const { status, retryAfter } = await post(agent, job.url, body);
        if (status === 200) counts.ok++;
        else if (status === 429) {
          counts.refused++;
          if (job.polite) await new Promise((r) => setTimeout(r, Math.max(1, retryAfter) * 1000));
        } else counts.other++;
      }
    }));
    const seconds = (performance.now() - start) / 1000;
    parentPort.postMessage({ id: job.id, ...counts, seconds });
  } catch (error) {
    parentPort.postMessage({ id: job.id, error: String(error) });
  } finally {
    agent.destroy();
  }
});
