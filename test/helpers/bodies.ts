// Request bodies for limit tests, made without ever holding the inflated bytes in memory.
import zlib from 'node:zlib';

/** A gzip (or deflate) stream of a JSON /embed body whose one text is `inflatedBytes` of 'a'. */
export async function compressedBomb(inflatedBytes: number, encoding: 'gzip' | 'deflate' = 'gzip'): Promise<Buffer> {
  const zip = encoding === 'gzip' ? zlib.createGzip({ level: 9 }) : zlib.createDeflate({ level: 9 });
  const out: Buffer[] = [];
  zip.on('data', (chunk: Buffer) => out.push(chunk));
  const done = new Promise((resolve) => zip.on('end', resolve));
  const block = Buffer.alloc(1024 * 1024, 'a');
  zip.write('{"inputs": ["');
  for (let left = inflatedBytes; left > 0; left -= block.length) {
    if (!zip.write(left >= block.length ? block : block.subarray(0, left))) await new Promise((resolve) => zip.once('drain', resolve));
  }
  zip.end('"]}');
  await done;
  return Buffer.concat(out);
}

export const rssMb = () => process.memoryUsage().rss / 1024 / 1024;
