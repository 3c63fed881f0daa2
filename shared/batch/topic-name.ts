// Pub/Sub topic names as the gateway is given them: a full path or a short name.

/** "projects/P/topics/T" names its project; a short topic name does not. */
export function projectOfTopic(topic: string | null): string | undefined {
  return topic?.match(/^projects\/([^/]+)\/topics\//)?.[1];
}
