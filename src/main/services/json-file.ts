import { promises as fs } from 'node:fs';
import { type ParseError, parse as parseJsonc, printParseErrorCode } from 'jsonc-parser';
import { ApiError } from '../../shared/api/errors';

export type JsonRead =
  | { kind: 'missing' }
  | { kind: 'ok'; value: unknown; text: string }
  | { kind: 'unparsable'; message: string; text: string };

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
  } catch {
    return { kind: 'unparsable', message: describeJsonError(text), text };
  }
}

/**
 * JSON.parse's messages differ between engines and often carry no position, so the
 * location comes from a tolerant parser (jsonc-parser, strict options) run on the same text.
 */
function describeJsonError(text: string): string {
  if (text.trim() === '') return 'the file is empty';
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return 'not valid JSON';
  const before = text.slice(0, first.offset);
  const line = before.split('\n').length;
  const column = first.offset - before.lastIndexOf('\n');
  return `not valid JSON at line ${line}, column ${column} (${humanise(printParseErrorCode(first.error))})`;
}

function humanise(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
