// Reads what a model folder says about itself, in the files sentence-transformers writes
// (1_Pooling/config.json, modules.json, config_sentence_transformers.json), so another model
// folder (a MiniLM with mean pooling, say) works by configuration alone.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export type Pooling = 'cls' | 'mean';

export interface ModelFolder {
  dir: string;
  /** Stable id for responses and cache keys: id@revision. */
  model: string;
  id: string;
  revision: string;
  /** Who made the model: the organisation of provenance.json's `source_model` ("BAAI/..."). */
  owner: string;
  dimensions: number;
  /** Output sizes other than the full one (Matryoshka-trained models only). */
  matryoshkaDimensions: number[];
  maxTokens: number;
  pooling: Pooling;
  normalize: boolean;
  queryInstruction: string | null;
  /** File name under onnx/ that transformers.js loads, and the dtype that selects it. */
  dtype: 'q8' | 'fp32';
}

function readJson(file: string): any {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function readOptionalJson(file: string): any {
  return existsSync(file) ? readJson(file) : undefined;
}

export function readModelFolder(dir: string): ModelFolder {
  if (!existsSync(path.join(dir, 'config.json'))) {
    throw new Error(`LOCAL_MODEL_DIR: ${dir} holds no config.json; point it at a model folder`);
  }
  const config = readJson(path.join(dir, 'config.json'));
  const provenance = readOptionalJson(path.join(dir, 'provenance.json')) ?? {};
  const pooling = readOptionalJson(path.join(dir, '1_Pooling', 'config.json'));
  const modules: { type: string }[] = readOptionalJson(path.join(dir, 'modules.json')) ?? [];
  const st = readOptionalJson(path.join(dir, 'config_sentence_transformers.json')) ?? {};
  const bert = readOptionalJson(path.join(dir, 'sentence_bert_config.json')) ?? {};
  const tokenizerConfig = readOptionalJson(path.join(dir, 'tokenizer_config.json')) ?? {};

  const id: string = provenance.id ?? path.basename(dir);
  const revision: string = provenance.revision ?? 'local';
  const dimensions: number = pooling?.word_embedding_dimension ?? config.hidden_size;
  const maxTokens: number = Math.min(
    bert.max_seq_length ?? Infinity,
    tokenizerConfig.model_max_length ?? Infinity,
    config.max_position_embeddings ?? 512,
  );
  return {
    dir,
    model: `${id}@${revision}`,
    id,
    revision,
    owner: typeof provenance.source_model === 'string' && provenance.source_model.includes('/') ? provenance.source_model.split('/')[0] : 'unknown',
    dimensions,
    matryoshkaDimensions: provenance.matryoshka_dimensions ?? [],
    maxTokens,
    // Without a pooling file, mean pooling is the sentence-transformers default.
    pooling: pooling?.pooling_mode_cls_token ? 'cls' : 'mean',
    normalize: modules.length === 0 ? true : modules.some((m) => m.type.endsWith('Normalize')),
    queryInstruction: st.prompts?.query ?? null,
    dtype: existsSync(path.join(dir, 'onnx', 'model_quantized.onnx')) ? 'q8' : 'fp32',
  };
}
