// Pub/Sub emulator plumbing for batch tests: uniquely named topics and subscriptions (other test
// files share the emulator), a push subscription aimed at a dev server, and a collector that
// keeps every result message the results topic delivers, duplicates included, and can tell when
// it has received everything published before a point (drain).
import { randomBytes, randomUUID } from 'node:crypto';
import { PubSub, type Message, type Subscription, type Topic } from '@google-cloud/pubsub';

export const PROJECT = process.env.TEST_GCP_PROJECT ?? 'test-proj';

export interface ResultEnvelope {
  attributes: Record<string, string>;
  body: any;
}

export function uniquePrefix(label: string): string {
  return `${label}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export class PubSubFixture {
  readonly client = new PubSub({ projectId: PROJECT });
  private readonly cleanups: (() => Promise<unknown>)[] = [];

  constructor(readonly prefix: string) {}

  topicPath(name: string): string {
    return `projects/${PROJECT}/topics/${this.prefix}-${name}`;
  }

  async topic(name: string): Promise<Topic> {
    const [topic] = await this.client.createTopic(`${this.prefix}-${name}`);
    this.cleanups.push(() => topic.delete());
    return topic;
  }

  /** A push subscription posting envelopes to `${baseUrl}/projects/P/topics/T`, as functions-framework expects. */
  async push(topic: Topic, baseUrl: string, options: { deadLetterTopic?: Topic; maxDeliveryAttempts?: number } = {}): Promise<Subscription> {
    const topicId = topic.name.split('/').pop()!;
    const [sub] = await topic.createSubscription(`${topicId}-push`, {
      pushConfig: { pushEndpoint: `${baseUrl}/projects/${PROJECT}/topics/${topicId}` },
      // A job takes seconds to embed: no redelivery while the first delivery still runs.
      ackDeadlineSeconds: 600,
      retryPolicy: { minimumBackoff: { seconds: 1 }, maximumBackoff: { seconds: 2 } },
      ...(options.deadLetterTopic
        ? { deadLetterPolicy: { deadLetterTopic: options.deadLetterTopic.name, maxDeliveryAttempts: options.maxDeliveryAttempts ?? 5 } }
        : {}),
    });
    this.cleanups.push(() => sub.delete());
    return sub;
  }

  /** Pulls everything published to the topic from now on. */
  async collect(topic: Topic, name = 'collect'): Promise<Collector> {
    const [sub] = await topic.createSubscription(`${this.prefix}-${name}`, { ackDeadlineSeconds: 60 });
    const collector = new Collector(sub, topic);
    this.cleanups.push(async () => {
      await sub.close();
      await sub.delete();
    });
    return collector;
  }

  async publishJob(topic: Topic, job: unknown): Promise<string> {
    return topic.publishMessage({ data: Buffer.from(typeof job === 'string' ? job : JSON.stringify(job)) });
  }

  async cleanup(): Promise<void> {
    for (const fn of this.cleanups.reverse()) await fn().catch(() => undefined);
    await this.client.close();
  }
}

export class Collector {
  readonly messages: ResultEnvelope[] = [];
  /** Sentinels received (drain's markers), kept apart from `messages`. */
  private readonly sentinels = new Set<string>();

  constructor(readonly subscription: Subscription, private readonly topic: Topic) {
    subscription.on('message', (message: Message) => {
      message.ack();
      const sentinel = message.attributes?.test_sentinel;
      if (sentinel) this.sentinels.add(sentinel);
      else this.messages.push({ attributes: { ...message.attributes }, body: JSON.parse(message.data.toString('utf8')) });
    });
    subscription.on('error', () => undefined);
  }

  /**
   * Resolves once a sentinel published now has arrived: what was published to the topic before
   * this call (a function's results, published before it acked its delivery) has been received
   * by then, as the emulator delivers one subscription's messages in publish order (checked:
   * ten rounds of 300 concurrent publishes, each round whole before its sentinel).
   */
  async drain(timeoutMs = 60_000): Promise<void> {
    const id = randomUUID();
    await this.topic.publishMessage({ data: Buffer.from('{}'), attributes: { test_sentinel: id } });
    await this.until(() => this.sentinels.has(id), timeoutMs, 'the drain sentinel');
  }

  forJob(jobId: string): ResultEnvelope[] {
    return this.messages.filter((m) => m.attributes.job_id === jobId);
  }

  /** Every item result of a job, in arrival order, duplicates kept. */
  items(jobId: string): any[] {
    return this.forJob(jobId).flatMap((m) => m.body.items);
  }

  async until(predicate: () => boolean, timeoutMs = 120_000, what = 'results'): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}; have ${this.messages.length} messages`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Waits until a job's results name `count` distinct item ids. */
  async untilItems(jobId: string, count: number, timeoutMs?: number): Promise<void> {
    await this.until(() => new Set(this.items(jobId).map((i) => i.id)).size >= count, timeoutMs, `${count} items of ${jobId}`);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Varied, distinct Chinese and English texts. */
export function sampleTexts(n: number, seed = 0): string[] {
  const zh = ['我喜欢看电影', '今天股市大跌', '北京的秋天很美', '机器学习改变了搜索', '这家餐厅的面条很好吃', '请把文件发给我'];
  const en = ['the quick brown fox', 'embedding gateways on Google Cloud', 'batch jobs arrive on Pub/Sub', 'vectors for retrieval'];
  return Array.from({ length: n }, (_, i) => {
    const k = i + seed;
    return k % 3 === 2 ? `${en[k % en.length]} #${k}` : `${zh[k % zh.length]}，第${k}条。`;
  });
}
