// A recording proxy in front of a push endpoint: the Pub/Sub emulator pushes to it, it relays each
// delivery to the function and the function's answer back, and remembers which message each
// delivery carried and what status it got. A test awaits "message M was answered 2xx" (Pub/Sub
// acks it then and never delivers it again) instead of sleeping to see whether it comes back.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Delivery {
  messageId: string;
  /** The function's status; 502 when the function could not be reached (killed, not yet up). */
  status: number;
}

export const isAck = (d: Delivery) => d.status >= 200 && d.status < 300;

export class PushRecorder {
  readonly deliveries: Delivery[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly server: http.Server, readonly url: string) {}

  /** Relays to `target` (an origin, e.g. http://127.0.0.1:8080), keeping the request's path. */
  static async start(target: string): Promise<PushRecorder> {
    let recorder!: PushRecorder;
    const server = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      let messageId = '';
      try {
        const envelope = JSON.parse(body.toString('utf8'));
        messageId = envelope.message?.messageId ?? envelope.message?.message_id ?? '';
      } catch {
        // Not an envelope: relayed all the same, recorded under no message id.
      }
      let status = 502;
      let answer: Buffer = Buffer.alloc(0);
      let type: string | null = null;
      try {
        const relayed = await fetch(target + req.url, { method: req.method, headers: { 'content-type': req.headers['content-type'] ?? 'application/json' }, body });
        status = relayed.status;
        type = relayed.headers.get('content-type');
        answer = Buffer.from(await relayed.arrayBuffer());
      } catch {
        // The function is gone (killed mid-delivery): Pub/Sub sees a failed push and retries.
      }
      // Recorded before the answer goes back: by the time Pub/Sub acks, the test knows.
      recorder.record({ messageId, status });
      res.writeHead(status, type ? { 'content-type': type } : {}).end(answer);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    recorder = new PushRecorder(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return recorder;
  }

  private record(delivery: Delivery): void {
    this.deliveries.push(delivery);
    for (const wake of this.waiters) wake();
  }

  /** Every delivery of a message so far, in the order they were answered. */
  of(messageId: string): Delivery[] {
    return this.deliveries.filter((d) => d.messageId === messageId);
  }

  /** Resolves once `predicate` holds, re-checked on every answered delivery. */
  until(predicate: () => boolean, timeoutMs = 120_000, what = 'deliveries'): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; deliveries: ${JSON.stringify(this.deliveries)}`));
      }, timeoutMs);
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  /** Resolves with a message's deliveries once one was answered 2xx: acked, it is not delivered again. */
  async acked(messageId: string, timeoutMs?: number): Promise<Delivery[]> {
    await this.until(() => this.of(messageId).some(isAck), timeoutMs, `an acked delivery of ${messageId}`);
    return this.of(messageId);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
