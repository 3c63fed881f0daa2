// A deterministic mixed-length Chinese and English corpus. A seeded PRNG strings sentences
// together from fixed phrase lists, so every bench (and every run) embeds the same texts, and
// lengths spread from a few tokens to about 400, the spread that makes padding matter.
import { seededRandom } from '../../scripts/lib/seeded-random.js';

const ZH = [
  '我喜欢看电影', '今天股市大跌', '北京的秋天很美', '这家餐厅的菜很好吃', '人工智能正在改变世界',
  '请把文件发给我', '明天上午十点开会', '他在图书馆读书', '我们一起去爬山吧', '这个问题需要仔细考虑',
  '云计算降低了运维成本', '向量检索可以找到相似的文档', '模型在中文语料上训练', '数据中心的能耗越来越高',
  '孩子们在公园里放风筝', '这本书讲的是历史', '火车晚点了半个小时', '医生建议多喝水多休息',
  '公司发布了新的季度财报', '春节期间交通非常拥堵', '他用手机拍了很多照片', '天气预报说周末有雨',
  '学习一门新语言需要耐心', '机器翻译的质量提高了很多', '这款软件支持多种操作系统', '你好', '好的', '谢谢',
];

const EN = [
  'I love watching movies', 'the stock market fell sharply today', 'autumn in Beijing is beautiful',
  'please send me the file', 'the meeting starts at ten tomorrow', 'she is reading in the library',
  'artificial intelligence is changing the world', 'vector search finds similar documents',
  'the model was trained on a large corpus', 'cloud computing lowers operating costs',
  'children are flying kites in the park', 'the train was half an hour late',
  'the doctor recommends rest and plenty of water', 'the company published its quarterly report',
  'traffic is heavy during the holidays', 'learning a new language takes patience',
  'machine translation has improved a lot', 'the weather forecast says it will rain this weekend',
  'this software runs on several operating systems', 'embeddings map text to vectors', 'hello', 'thanks',
];

/** Rough tokens per phrase: one per Chinese character; English words split into ~1.8 pieces in bge-zh's vocabulary. */
function estimateTokens(phrase: string): number {
  const han = phrase.match(/\p{Script=Han}/gu)?.length ?? 0;
  const words = phrase.match(/[A-Za-z]+/g)?.length ?? 0;
  return han + Math.ceil(words * 1.8) + 1;
}

export interface CorpusOptions {
  count: number;
  seed?: number;
  minTokens?: number;
  maxTokens?: number;
}

/**
 * `count` texts: about half Chinese, a third English, the rest mixed. Target lengths are
 * log-uniform between minTokens and maxTokens (many short texts, a long tail), as real traffic is.
 */
export function mixedCorpus({ count, seed = 42, minTokens = 4, maxTokens = 400 }: CorpusOptions): string[] {
  const random = seededRandom(seed);
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!;
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    const target = Math.round(Math.exp(Math.log(minTokens) + random() * (Math.log(maxTokens) - Math.log(minTokens))));
    const roll = random();
    const lists = roll < 0.5 ? [ZH] : roll < 0.85 ? [EN] : [ZH, EN];
    const parts: string[] = [];
    let tokens = 2; // [CLS] and [SEP]
    do {
      const list = pick(lists);
      const phrase = pick(list);
      parts.push(list === ZH ? phrase + pick(['，', '。', '；']) : phrase + pick([', ', '. ', '; ']));
      tokens += estimateTokens(phrase);
    } while (tokens < target);
    texts.push(parts.join('').trim());
  }
  return texts;
}

/**
 * `count` texts of about `tokens` tokens each (the same language mix as mixedCorpus): the
 * one-length traffic (queries, titles, passages of one size) where batching pays most.
 */
export function uniformCorpus({ count, tokens, seed = 11 }: { count: number; tokens: number; seed?: number }): string[] {
  return mixedCorpus({ count, seed, minTokens: tokens, maxTokens: tokens });
}

/** Splits a list into consecutive chunks of `size` (the last may be shorter). */
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
