// The shared-store scenario both L2 stores must pass: a second instance reads what the first
// embedded without calling the model; after the store goes away, a third instance still answers
// with the same vectors, from the model, and says the store is unreachable.
import { expect, vi } from 'vitest';
import { parseEmbedRequest } from '../../shared/wire/native.js';
import { embedRequest, type EmbedOutcome } from '../../shared/embedding/service.js';
import type { Gateway } from '../../shared/gateway.js';
import { testGateway } from '../helpers/gateway.js';

const values = (outcome: EmbedOutcome) => outcome.items.map((item) => Array.from(item.values));

export async function expectSharedThenDegraded(env: Record<string, string>, texts: string[], newText: string, takeStoreAway: () => Promise<void>): Promise<{ third: Gateway; close(): Promise<void> }> {
  const first = testGateway(env);
  const reference = await embedRequest(first, parseEmbedRequest({ inputs: texts }, first.config));
  expect(reference.usage.cached).toBe(0);

  // Another instance: empty L1, same store.
  const second = testGateway(env);
  const model = vi.spyOn(second.local, 'embed');
  const fromStore = await embedRequest(second, parseEmbedRequest({ inputs: texts }, second.config));
  expect(model).not.toHaveBeenCalled();
  expect(fromStore.items.map((item) => item.cached)).toEqual(texts.map(() => true));
  expect(values(fromStore)).toEqual(values(reference));
  expect((await second.cache.health()).reachable).toBe(true);

  await takeStoreAway();
  const third = testGateway(env);
  const without = await embedRequest(third, parseEmbedRequest({ inputs: [...texts, newText] }, third.config));
  expect(without.items.map((item) => item.cached)).toEqual([...texts, newText].map(() => false));
  expect(values(without).slice(0, texts.length)).toEqual(values(reference));
  expect((await third.cache.health()).reachable).toBe(false);
  // Closes the instances whose store answered. The third's abandoned calls may still be retrying
  // inside the store's client, and Firestore's client rejects those out of band when closed.
  return { third, close: () => Promise.all([first, second].map((gw) => gw.cache.close())).then(() => undefined) };
}
