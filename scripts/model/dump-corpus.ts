// Writes the bench corpora as JSON ({name: texts[]}) for scripts/model/evaluate.py, so the
// graph is judged on exactly the texts the benches embed.
import { writeFileSync } from 'node:fs';
import { mixedCorpus, uniformCorpus } from '../../bench/lib/corpus.js';

const out = process.argv[2] ?? 'corpus.json';
const corpora: Record<string, string[]> = { mixed: mixedCorpus({ count: 512, seed: 42 }) };
for (const tokens of [16, 64, 256, 500]) corpora[`tokens-${tokens}`] = uniformCorpus({ count: 128, tokens });
writeFileSync(out, JSON.stringify(corpora));
console.log(`wrote ${out}: ${Object.entries(corpora).map(([k, v]) => `${k} ${v.length}`).join(', ')}`);
