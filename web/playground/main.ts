// The playground: wires the page's three forms to /embed, /similarity and /chunk.
import { CallError, decodeVector, postJson, type Fallback } from './api.js';
import { showBadges } from './badges.js';
import { drawChunks, type Chunk } from './chunks.js';
import { cosineMatrix, drawHeatmap } from './heatmap.js';

interface PageConfig { urls: Record<string, string> }

interface EmbedAnswer {
  model: string; provider: string; fallback: Fallback;
  embeddings: { index: number; values: string }[];
  usage: { tokens: number; cached: number };
}
interface SimilarityAnswer {
  model: string; provider: string; fallback: Fallback;
  scores: { index: number; text: string; score: number }[];
  usage: { tokens: number; cached: number };
}
interface ChunkAnswer { model: string; chunks: Chunk[] }

const SAMPLE_DOCUMENT = [
  '我喜欢看电影，尤其是老电影。周末的时候，我常常和朋友一起去电影院，看完以后再找一家小店吃饭，聊聊剧情和演员。',
  '今天天气很好，阳光明媚，适合出门散步。公园里有很多人在跑步、放风筝，孩子们在草地上玩耍。',
  'Embeddings turn text into vectors, so that texts with similar meaning end up close together. A gateway in front of the model adds caching, fallback and limits.',
  '长文本需要切分成较小的片段，每个片段不超过模型的最大长度。相邻片段之间可以保留少量重叠，这样句子的上下文不会在切分处丢失。',
].join('\n\n');

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const config: PageConfig = JSON.parse($('page-config').textContent || '{}');
const url = (name: string, fallbackPath: string) => config.urls?.[name] ?? fallbackPath;
// The key lives in this input and in no storage: read at each call.
const apiKey = () => $<HTMLInputElement>('api-key').value.trim();
const textsOf = () => $<HTMLTextAreaElement>('texts').value.split('\n').map((t) => t.trim()).filter(Boolean);

function showError(id: string, error: unknown): void {
  const box = $(id);
  box.textContent = error instanceof CallError ? error.message : `Something went wrong in the page: ${String(error)}`;
  box.hidden = false;
}

/** Runs one call with its button disabled and its error box cleared. */
async function run(button: string, errorBox: string, work: () => Promise<void>): Promise<void> {
  const btn = $<HTMLButtonElement>(button);
  $(errorBox).hidden = true;
  btn.disabled = true;
  btn.setAttribute('aria-busy', 'true');
  try {
    await work();
  } catch (error) {
    showError(errorBox, error);
  } finally {
    btn.disabled = false;
    btn.removeAttribute('aria-busy');
  }
}

function needTexts(min: number): string[] {
  const texts = textsOf();
  if (texts.length < min) throw new CallError(`Write at least ${min} text${min > 1 ? 's' : ''}, one per line.`, null);
  return texts;
}

async function compare(): Promise<void> {
  const texts = needTexts(2);
  const model = $<HTMLSelectElement>('model').value;
  const answer = await postJson<EmbedAnswer>(url('embed', '/embed'), { inputs: texts, task: 'SEMANTIC_SIMILARITY', encoding: 'base64', model }, apiKey());
  const { body } = answer;
  const vectors = body.embeddings.sort((a, b) => a.index - b.index).map((e) => decodeVector(e.values));
  drawHeatmap($('heatmap'), texts, cosineMatrix(vectors), $('cell-readout'));
  showBadges($('sim-badges'), { model: body.model, provider: body.provider, fallback: body.fallback, cached: { hits: body.usage.cached, of: texts.length }, latencyMs: answer.latencyMs });
}

async function rank(): Promise<void> {
  const texts = needTexts(1);
  const query = $<HTMLInputElement>('query').value.trim();
  if (!query) throw new CallError('Write a query to rank the texts against.', null);
  const model = $<HTMLSelectElement>('model').value;
  const answer = await postJson<SimilarityAnswer>(url('similarity', '/similarity'), { query, texts, model }, apiKey());
  const { body } = answer;
  const list = $('ranking');
  list.replaceChildren(...body.scores.map((s) => {
    const li = document.createElement('li');
    li.dataset.index = String(s.index);
    li.dataset.score = String(s.score);
    const score = document.createElement('span');
    score.className = 'score';
    score.textContent = s.score.toFixed(4);
    const bar = document.createElement('span');
    bar.className = 'bar';
    bar.style.width = `${Math.max(0, s.score) * 100}%`;
    bar.setAttribute('aria-hidden', 'true');
    li.append(score, s.text, bar);
    return li;
  }));
  showBadges($('rank-badges'), { model: body.model, provider: body.provider, fallback: body.fallback, cached: { hits: body.usage.cached, of: texts.length + 1 }, latencyMs: answer.latencyMs });
}

async function chunk(): Promise<void> {
  const text = $<HTMLTextAreaElement>('document').value;
  if (!text.trim()) throw new CallError('Paste a document to split.', null);
  const maxTokens = Number($<HTMLInputElement>('max-tokens').value);
  const overlap = Number($<HTMLInputElement>('overlap').value);
  const answer = await postJson<ChunkAnswer>(url('chunk', '/chunk'), { text, max_tokens: maxTokens, overlap_tokens: overlap }, apiKey());
  drawChunks($('chunk-text'), $('chunk-table'), text, answer.body.chunks);
  // Chunking runs the bundled model's tokenizer only: no provider or fallback to report.
  showBadges($('chunk-badges'), { model: `${answer.body.model} tokenizer`, latencyMs: answer.latencyMs });
}

function bind(form: string, button: string, errorBox: string, work: () => Promise<void>): void {
  $(form).addEventListener('submit', (event) => {
    event.preventDefault();
    void run(button, errorBox, work);
  });
}

$<HTMLTextAreaElement>('document').value = SAMPLE_DOCUMENT;
$<HTMLAnchorElement>('docs-link').href = url('docs', '/docs');
$<HTMLAnchorElement>('openapi-link').href = url('openapi', '/openapi.json');
bind('sim-form', 'compare', 'sim-error', compare);
bind('rank-form', 'rank', 'rank-error', rank);
bind('chunk-form', 'chunk', 'chunk-error', chunk);
document.body.dataset.ready = 'true';
