// Publishes result messages to the results topic. @google-cloud/pubsub loads on first publish,
// so HTTP-only instances never pay for it.
import { GatewayError } from '../errors.js';
import type { ResultMessage } from '../wire/batch-results.js';
import { projectOfTopic } from './topic-name.js';
import { lazy } from '../lazy.js';

export interface ResultPublisher {
  /** Resolves once Pub/Sub has the message; rejects when it could not take it (transient). */
  publish(message: ResultMessage): Promise<void>;
  /** Many small messages (rows) at once, batched into few requests; resolves when Pub/Sub has all. */
  publishMany(messages: ResultMessage[]): Promise<void>;
  close(): Promise<void>;
}

export class PublishError extends GatewayError {
  constructor(cause: unknown) {
    super('upstream', `Publishing results failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export function createPubSubPublisher(topicName: string, defaultProject?: string): ResultPublisher {
  type Topic = import('@google-cloud/pubsub').Topic;
  const get = lazy(() => import('@google-cloud/pubsub').then(({ PubSub }) => {
    const projectId = projectOfTopic(topicName) ?? defaultProject;
    const client = new PubSub(projectId ? { projectId } : {});
    // One message per publish call: shards are megabytes each and are published one at a time.
    const t = client.topic(topicName, { batching: { maxMessages: 1, maxMilliseconds: 0 } });
    // Rows are a few KB each: batched, thousands go out in a handful of requests.
    const batched = client.topic(topicName, { batching: { maxMessages: 1000, maxBytes: 8 * 1024 * 1024, maxMilliseconds: 10 } });
    return { topic: t as Topic, batched: batched as Topic, close: () => client.close() };
  }));
  return {
    async publish(message) {
      try {
        await (await get()).topic.publishMessage({ data: message.data, attributes: message.attributes });
      } catch (error) {
        throw new PublishError(error);
      }
    },
    async publishMany(messages) {
      try {
        const { batched } = await get();
        await Promise.all(messages.map((m) => batched.publishMessage({ data: m.data, attributes: m.attributes })));
      } catch (error) {
        throw new PublishError(error);
      }
    },
    async close() {
      const started = get.started();
      if (started) await (await started).close();
    },
  };
}
