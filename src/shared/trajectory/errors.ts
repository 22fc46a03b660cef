import type { z } from 'zod';
import { formatIssuePath } from '../api/errors';

/** Where in a trajectory file a problem sits, as far as it is known. */
export interface TrajectoryErrorLocation {
  /** Dotted path of the field, e.g. `frames[3].camera_to_world`. */
  field?: string;
  /** 1-based line of a text file. */
  line?: number;
  /** 0-based frame index. */
  frame?: number;
}

/**
 * A trajectory file (or the frames handed to an exporter) cannot be used. The message is
 * meant for people and names the problem and where it is; callers prefix the file name.
 */
export class TrajectoryError extends Error {
  readonly field?: string;
  readonly line?: number;
  readonly frame?: number;

  constructor(message: string, where: TrajectoryErrorLocation = {}) {
    super(message);
    this.name = 'TrajectoryError';
    if (where.field !== undefined) this.field = where.field;
    if (where.line !== undefined) this.line = where.line;
    if (where.frame !== undefined) this.frame = where.frame;
  }
}

/** Non-finite numbers in JSON text (NaN, Infinity: Python's json writes them) become this string prefix + the token. */
const NON_FINITE = '\u0000non-finite:';
const NON_FINITE_TOKENS = ['-Infinity', '-infinity', '-inf', 'Infinity', 'infinity', 'inf', 'NaN', 'nan'];

/**
 * Replace bare NaN / Infinity tokens (outside strings) with marker strings, so the schema
 * can say which field held one instead of JSON.parse failing on the whole file.
 */
function markNonFiniteTokens(text: string): string | null {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      continue;
    }
    if (ch !== '-' && ch !== 'I' && ch !== 'i' && ch !== 'N' && ch !== 'n') continue;
    const token = NON_FINITE_TOKENS.find((t) => text.startsWith(t, i) && !/[A-Za-z0-9_]/.test(text[i + t.length] ?? ''));
    if (token === undefined) continue;
    // The marker goes in as the JSON escape \u0000: a raw control character is not allowed in a JSON string.
    out += `${text.slice(last, i)}"\\u0000non-finite:${token}"`;
    i += token.length - 1;
    last = i + 1;
  }
  return last === 0 ? null : out + text.slice(last);
}

function lineAndColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  return { line, column: position - before.lastIndexOf('\n') };
}

/** JSON.parse with human errors; NaN/Infinity tokens are kept as markers for the schema to report. */
export function parseJsonText(text: string): unknown {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body.trim() === '') throw new TrajectoryError('is empty; expected JSON text');
  try {
    return JSON.parse(body);
  } catch (err) {
    const marked = markNonFiniteTokens(body);
    if (marked !== null) {
      try {
        return JSON.parse(marked);
      } catch {
        // fall through to the original error
      }
    }
    const reason = err instanceof Error ? err.message : String(err);
    const at = /at position (\d+)/.exec(reason);
    if (at?.[1] !== undefined) {
      const { line, column } = lineAndColumn(body, Number(at[1]));
      throw new TrajectoryError(
        `is not valid JSON (line ${line}, column ${column}): ${reason.replace(/ in JSON at position \d+.*$/, '')}`,
        {
          line,
        },
      );
    }
    throw new TrajectoryError(`is not valid JSON: ${reason.split('\n')[0]}`);
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}

const EXPECTED_WORDS: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  tuple: 'a list',
};

/** Location of a zod issue: the dotted field and, for paths under `frames[i]`, the frame index. */
export function issueLocation(path: readonly PropertyKey[]): TrajectoryErrorLocation {
  const where: TrajectoryErrorLocation = { field: formatIssuePath(path) };
  if (path[0] === 'frames' && typeof path[1] === 'number') where.frame = path[1];
  return where;
}

/** One sentence for one zod issue, naming the field. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const field = formatIssuePath(issue.path);
  const name = field === '' ? 'the file' : field;
  const input = (issue as { input?: unknown }).input;
  const hasInput = 'input' in issue && input !== undefined;
  switch (issue.code) {
    case 'invalid_type': {
      if (typeof input === 'string' && input.startsWith(NON_FINITE)) {
        const token = input.slice(NON_FINITE.length);
        const what = /nan/i.test(token) ? 'NaN (not a number)' : 'infinite';
        return `${name} is ${what}; every number must be finite`;
      }
      const received = (issue as { received?: string }).received;
      if (received === 'NaN') return `${name} is NaN (not a number); every number must be finite`;
      if (received === 'Infinity') return `${name} is infinite; every number must be finite`;
      if (!hasInput && received !== 'null') return `${name} is missing`;
      const expected = EXPECTED_WORDS[issue.expected] ?? issue.expected;
      return `${name} must be ${expected}, not ${describeValue(input)}`;
    }
    case 'invalid_value': {
      const allowed = issue.values.map((v) => JSON.stringify(v)).join(' or ');
      if (input === undefined) return `${name} is missing; expected ${allowed}`;
      return `${name} is ${JSON.stringify(input)}; this reader understands only ${allowed}`;
    }
    case 'too_small':
    case 'too_big': {
      if (issue.origin === 'array' && Array.isArray(input)) {
        const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
        const limit = issue.exact === true ? `exactly ${bound}` : issue.code === 'too_small' ? `at least ${bound}` : `at most ${bound}`;
        return `${name} has ${input.length} value${input.length === 1 ? '' : 's'}; expected ${limit}`;
      }
      if (issue.origin === 'number' || issue.origin === 'int') {
        const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
        const op = issue.code === 'too_small' ? (issue.inclusive ? 'at least' : 'more than') : issue.inclusive ? 'at most' : 'less than';
        return `${name} is ${describeValue(input)}; it must be ${op} ${String(bound)}`;
      }
      return `${name}: ${issue.message}`;
    }
    default:
      return field === '' ? issue.message : `${name}: ${issue.message}`;
  }
}

/** Turn a failed schema parse into one TrajectoryError for its first problem. */
export function errorFromIssues(issues: readonly z.core.$ZodIssue[]): TrajectoryError {
  const first = issues[0];
  if (first === undefined) return new TrajectoryError('is not valid');
  const more = issues.length - 1;
  const suffix = more > 0 ? ` (and ${more} more problem${more === 1 ? '' : 's'})` : '';
  return new TrajectoryError(describeIssue(first) + suffix, issueLocation(first.path));
}

/** Parse with a schema; throw a TrajectoryError for the first issue. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value, { reportInput: true });
  if (!result.success) throw errorFromIssues(result.error.issues);
  return result.data;
}

/** "has 30 frames, the shot has 49" */
export function frameCountMismatch(actual: number, expected: number, where: TrajectoryErrorLocation = {}): TrajectoryError {
  return new TrajectoryError(
    `has ${actual} frame${actual === 1 ? '' : 's'}, the shot has ${expected}; export the trajectory again for this shot or change the shot's length first`,
    where,
  );
}

/** Probe the header first, so a wrong kind of file gets a sentence about that rather than about its fields. */
export function checkJsonHeader(raw: unknown, format: string, version: number, kind: string): void {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new TrajectoryError(`is not a ${kind} file: expected a JSON object with "format": "${format}"`);
  }
  const r = raw as Record<string, unknown>;
  if (r.format !== format) {
    const got = r.format === undefined ? 'has no "format" field' : `has "format": ${JSON.stringify(r.format)}`;
    throw new TrajectoryError(`is not a ${kind} file: it ${got}; expected "${format}"`, { field: 'format' });
  }
  if (typeof r.version === 'number' && r.version > version) {
    throw new TrajectoryError(`was written by a newer DWM Studio (${format} version ${r.version}; this build reads version ${version})`, {
      field: 'version',
    });
  }
}
