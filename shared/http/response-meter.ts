// Counts the bytes a response sends (for httpRequest.responseSize) and gives the route one last
// look before the headers leave, when the work's facts are known (x-ratelimit-remaining-tokens
// counts the request's own tokens that way).
import type { ServerResponse } from 'node:http';

export interface ResponseMeter {
  bytes(): number;
}

export function meterResponse(res: ServerResponse, beforeHeaders: () => void): ResponseMeter {
  let bytes = 0;
  let headersDone = false;
  const count = (chunk: unknown, encoding?: unknown) => {
    if (typeof chunk === 'string') bytes += Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
    else if (chunk instanceof Uint8Array) bytes += chunk.byteLength;
  };
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    if (!headersDone) {
      headersDone = true;
      try {
        beforeHeaders();
      } catch {
        // Headers are a courtesy; never fail the answer over them.
      }
    }
    return (writeHead as Function).apply(this, args);
  } as typeof res.writeHead;
  const write = res.write;
  res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    count(chunk, rest[0]);
    return (write as Function).call(this, chunk, ...rest);
  } as typeof res.write;
  const end = res.end;
  res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    if (typeof chunk !== 'function') count(chunk, rest[0]);
    return (end as Function).call(this, chunk, ...rest);
  } as typeof res.end;
  return { bytes: () => bytes };
}
