import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/**
 * Calls `onLine` for every line of a text file from `offset`, without holding the file in
 * memory. Line ends may be \n or \r\n; the text is UTF-8 (a multi-byte character split
 * across chunks is kept whole). Returning false from `onLine` stops reading.
 */
export async function forEachLine(file: string, offset: number, onLine: (line: string) => boolean | undefined): Promise<void> {
  const stream = createReadStream(file, { start: offset, highWaterMark: 1024 * 1024 });
  const decoder = new StringDecoder('utf8');
  let carry = '';
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = carry + decoder.write(chunk);
      let from = 0;
      for (let nl = text.indexOf('\n', from); nl !== -1; nl = text.indexOf('\n', from)) {
        const end = nl > from && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        if (onLine(text.slice(from, end)) === false) return;
        from = nl + 1;
      }
      carry = text.slice(from);
    }
    const rest = carry + decoder.end();
    if (rest.length > 0) onLine(rest.endsWith('\r') ? rest.slice(0, -1) : rest);
  } finally {
    stream.destroy();
  }
}
