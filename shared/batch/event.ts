// The Pub/Sub CloudEvent (google.cloud.pubsub.topic.v1.messagePublished) as a delivery.
// functions-framework builds the same event from a push envelope posted to
// /projects/P/topics/T, which is how the dev server and the tests feed it.
import { createHash } from 'node:crypto';
import type { CloudEvent } from '@google-cloud/functions-framework';
import type { Delivery } from './run-job.js';

/** google.events.cloud.pubsub.v1.MessagePublishedData */
export interface MessagePublishedData {
  message?: {
    data?: string;
    attributes?: Record<string, string>;
    messageId?: string;
    publishTime?: string;
    orderingKey?: string;
  };
  subscription?: string;
  /** Present when the subscription has a dead-letter policy and the envelope carries it. */
  deliveryAttempt?: number;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function deliveryFromEvent(event: CloudEvent<MessagePublishedData>): Delivery {
  // The framework converts only envelopes with both `messageId` and `data`; any other push
  // envelope reaches the function as it was posted, `message` at the top.
  const published = (event.data ?? event) as MessagePublishedData;
  const message: Record<string, unknown> = published.message ?? {};
  const attempt = Number(published.deliveryAttempt);
  const raw = message.data ?? '';
  // Data Pub/Sub cannot have sent would be refused the same way on every redelivery: it becomes
  // a permanent job error (acked), never a throw.
  const undecodable = typeof raw !== 'string' ? 'message.data is not a base64 string'
    : raw.length % 4 !== 0 || !BASE64.test(raw) ? 'message.data is not valid base64' : undefined;
  const messageId = typeof message.messageId === 'string' && message.messageId !== '' ? message.messageId
    : typeof event.id === 'string' && event.id !== '' ? event.id
    // Stable across redeliveries of the same envelope, so its job_error keeps one result_id.
    : `unidentified-${createHash('sha256').update(typeof raw === 'string' ? raw : JSON.stringify(raw) ?? '').digest('hex').slice(0, 16)}`;
  return {
    messageId,
    // A missing payload decodes to empty bytes, which the job parser refuses as malformed.
    data: undecodable ? Buffer.alloc(0) : Buffer.from(raw as string, 'base64'),
    ...(undecodable ? { undecodable } : {}),
    ...(Number.isInteger(attempt) && attempt > 0 ? { deliveryAttempt: attempt } : {}),
  };
}
