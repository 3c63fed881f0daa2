"""The two lines of Vertex SDK code an app team has, changed only in endpoint and credentials.

Reads a JSON request on argv[1]: {"url", "model", "inputs": [{"text", "task_type"?, "title"?}],
"output_dimensionality"?}; prints {"embeddings": [{"values", "token_count", "truncated"}]} or
{"error": {"type", "message", "code"}} as one JSON line.
"""
import json
import sys
import warnings

import vertexai
from google.api_core import exceptions
from google.auth.credentials import AnonymousCredentials
from vertexai.language_models import TextEmbeddingInput, TextEmbeddingModel

warnings.simplefilter("ignore")
request = json.loads(sys.argv[1])
# The gateway over plain http: the REST transport takes a scheme in api_endpoint.
vertexai.init(
    project="my-proj",
    location="us-central1",
    api_endpoint=request["url"],
    api_transport="rest",
    credentials=AnonymousCredentials(),
)
try:
    model = TextEmbeddingModel.from_pretrained(request["model"])
    inputs = [TextEmbeddingInput(i["text"], i.get("task_type"), i.get("title")) for i in request["inputs"]]
    kwargs = {}
    if request.get("output_dimensionality") is not None:
        kwargs["output_dimensionality"] = request["output_dimensionality"]
    embeddings = model.get_embeddings(inputs, **kwargs)
    print(json.dumps({"embeddings": [
        {"values": e.values, "token_count": e.statistics.token_count, "truncated": e.statistics.truncated}
        for e in embeddings
    ]}))
except exceptions.GoogleAPICallError as error:
    print(json.dumps({"error": {"type": type(error).__name__, "message": error.message, "code": error.code}}))
