import { promises as fs } from 'node:fs';
import { ApiError } from '../../shared/api/errors';

export type JsonRead = { kind: 'missing' } | { kind: 'ok'; value: unknown; text: string } | { kind: 'unparsable'; message: string; text: string };

/** Read and parse a JSON file, telling a missing file from a broken one (line and column in the message). */
export async function readJsonFile(file: string): Promise<JsonRead> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw new ApiError('IO', `${file}: cannot be read (${(err as Error).message})`, { file });
  }
  try {
    return { kind: 'ok', value: JSON.parse(text), text };
  } catch (err) {
    return { kind: 'unparsable', message: describeJsonError(text, err as Error), text };
  }
}

function describeJsonError(text: string, err: Error): string {
  if (text.trim() === '') return 'the file is empty';
  const m = /position (\d+)/.exec(err.message);
  if (!m) return `not valid JSON (${err.message})`;
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `not valid JSON at line ${line}, column ${column} (${err.message.replace(/ in JSON at position \d+.*$/, '')})`;
}
