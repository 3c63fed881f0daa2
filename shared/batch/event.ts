// The Pub/Sub CloudEvent (google.cloud.pubsub.topic.v1.messagePublished) as a delivery.
// functions-framework builds the same event from a push envelope posted to
// /projects/P/topics/T, which is how the dev server and the tests feed it.
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

export function deliveryFromEvent(event: CloudEvent<MessagePublishedData>): Delivery {
  const message = event.data?.message;
  const attempt = Number(event.data?.deliveryAttempt);
  return {
    messageId: message?.messageId ?? event.id,
    // A missing payload decodes to empty bytes, which the job parser refuses as malformed.
    data: Buffer.from(message?.data ?? '', 'base64'),
    ...(Number.isInteger(attempt) && attempt > 0 ? { deliveryAttempt: attempt } : {}),
  };
}
