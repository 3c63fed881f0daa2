// The chunker on 1 MB of mixed Chinese and English against two references in the same run:
// the floor, the bundled tokenizer's raw encode of the whole text (what knowing every token
// costs at least), and the peer, LangChain's RecursiveCharacterTextSplitter given the same
// token length function and the same separators. Each chunker run starts with an empty count
// memo, so repeated rounds do not flatter it.
import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import { performance } from 'node:perf_hooks';
import { chunkText } from '../shared/chunking/chunker.js';
import { createTokenCounter } from '../shared/chunking/counter.js';
import { loadConfig } from '../shared/config.js';
import { readModelFolder } from '../shared/model/folder.js';
import { loadTokenizer } from '../shared/model/tokenizer.js';
import { mixedCorpus } from './lib/corpus.js';
import { median, medianRatio } from './lib/stats.js';
import { fixed, machineNote, ratio, summaryLine, table } from './lib/timing.js';

const BYTES = Number(process.env.BENCH_CHUNK_BYTES ?? 1024 * 1024);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PEER_ROUNDS = Number(process.env.BENCH_PEER_ROUNDS ?? 1);
const MAX_TOKENS = 510;

const tokenizer = await loadTokenizer(readModelFolder(loadConfig({}).local.modelDir).dir);
const tokens = (text: string) => tokenizer.encode(text, { add_special_tokens: false }).length;

// Paragraphs of mixed sentences from the shared seeded corpus, to 1 MB of UTF-8.
const paragraphs: string[] = [];
let size = 0;
for (const text of mixedCorpus({ count: 20_000, seed: 7, minTokens: 20, maxTokens: 400 })) {
  paragraphs.push(text);
  size += Buffer.byteLength(text) + 2;
  if (size >= BYTES) break;
}
const text = paragraphs.join('\n\n');

const time = (fn: () => void): number => {
  const start = performance.now();
  fn();
  return performance.now() - start;
};

// The corpus repeats its phrases, which suits the count memo. A second text of made-up words
// and random characters across the CJK block is the memo's worst case: nearly every word new.
function randomText(bytes: number): string {
  let seed = 99;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const parts: string[] = [];
  let total = 0;
  while (total < bytes) {
    const part = random() < 0.5
      ? Array.from({ length: 3 + Math.floor(random() * 8) }, () => String.fromCharCode(97 + Math.floor(random() * 26))).join('') + (random() < 0.1 ? '. ' : ' ')
      : Array.from({ length: 2 + Math.floor(random() * 6) }, () => String.fromCharCode(0x4e00 + Math.floor(random() * 0x5000))).join('') + (random() < 0.2 ? '。' : '，');
    parts.push(part);
    total += Buffer.byteLength(part);
  }
  return parts.join('');
}
const hard = randomText(BYTES);

function measure(input: string) {
  const floor: number[] = [];
  const ours: number[] = [];
  let count = 0;
  let chunks = 0;
  for (let round = 0; round < ROUNDS; round++) {
    floor.push(time(() => { count = tokens(input); }));
    ours.push(time(() => { chunks = chunkText(input, { maxTokens: MAX_TOKENS, overlapTokens: 0 }, createTokenCounter(tokenizer)).length; }));
  }
  return { floor, ours, count, chunks };
}
const mixed = measure(text);
const random = measure(hard);
const { floor, ours, count: totalTokens, chunks: ourChunks } = mixed;

const splitter = new RecursiveCharacterTextSplitter({
  chunkSize: MAX_TOKENS,
  chunkOverlap: 0,
  lengthFunction: tokens,
  separators: ['\n\n', '\n', '。', '！', '？', '；', '. ', '! ', '? ', '; ', '，', '、', ', ', ' ', ''],
});
const peer: number[] = [];
let peerChunks: string[] = [];
for (let round = 0; round < PEER_ROUNDS; round++) {
  const start = performance.now();
  peerChunks = await splitter.splitText(text);
  peer.push(performance.now() - start);
}
const peerOver = peerChunks.filter((chunk) => tokens(chunk) > MAX_TOKENS).length;
const peerGlued = peerChunks.filter((chunk) => /^[。！？；，]/.test(chunk)).length;

console.log(`## chunker: ${fixed(Buffer.byteLength(text) / 1024 / 1024, 2)} MB mixed zh/en (${text.length} chars, ${totalTokens} tokens), chunks of ≤${MAX_TOKENS} tokens\n`);
console.log(await machineNote());
console.log('The machine is shared with other work, so absolute times are noisy; the ratios are measured in the same rounds.\n');
console.log(table(['contender', 'median ms', 'vs encode floor', 'chunks', 'notes'], [
  ['tokenizer.encode (floor)', fixed(median(floor)), '1.00×', '-', 'one pass, counts only'],
  ['gateway chunker', fixed(median(ours)), ratio(medianRatio(ours, floor)), ourChunks, 'offsets, exact counts, none over the limit'],
  ['gateway chunker, made-up words (memo worst case)', fixed(median(random.ours)), `${ratio(medianRatio(random.ours, random.floor))} of its own floor (${fixed(median(random.floor))} ms)`, random.chunks, `${random.count} tokens, ${hard.length} chars`],
  ['LangChain RecursiveCharacterTextSplitter', fixed(median(peer)), ratio(median(peer) / median(floor)), peerChunks.length,
    `${PEER_ROUNDS} round(s); ${peerOver} chunks over the limit; ${peerGlued} start with 。！？；，`],
]));
summaryLine(`chunker 1 MB mixed zh/en: ${ratio(medianRatio(ours, floor))} the raw encode floor (target ≤ 1.5×; ${ratio(medianRatio(random.ours, random.floor))} on made-up words); LangChain took ${ratio(median(peer) / median(ours))} our time`);
