import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isWithin, resolveInside, resolveInsideLexically } from '../../src/main/services/fs/path-confinement';
import { ApiError } from '../../src/shared/api/errors';

let root: string;
let outside: string;

beforeEach(async () => {
  // realpath: on some systems the temp folder itself is reached through a link (macOS /var).
  root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'dwm-root-')));
  outside = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'dwm-outside-')));
  await fs.mkdir(path.join(root, 'media', 'clips'), { recursive: true });
  await fs.writeFile(path.join(root, 'media', 'clips', 'a.txt'), 'inside');
  await fs.writeFile(path.join(outside, 'secret.txt'), 'outside');
});

afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
  await fs.rm(outside, { recursive: true, force: true });
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return (err as ApiError).code;
  }
  throw new Error('expected the path to be refused');
}

describe('resolveInside', () => {
  it('returns the real path of a nested file', async () => {
    expect(await resolveInside(root, 'media/clips/a.txt')).toBe(path.join(root, 'media', 'clips', 'a.txt'));
  });

  it('ignores "." segments and doubled slashes', async () => {
    expect(await resolveInside(root, './media//clips/./a.txt')).toBe(path.join(root, 'media', 'clips', 'a.txt'));
  });

  it.each([
    ['a parent segment', '../x'],
    ['a parent segment after a folder', 'a/../../x'],
    ['a parent segment that would stay inside', 'media/../media/clips/a.txt'],
    ['an absolute POSIX path', '/etc/passwd'],
    ['a Windows drive path', 'C:\\x'],
    ['a Windows drive-relative path', 'c:x'],
    ['a backslash parent segment', '..\\x'],
    ['a backslash-rooted path', '\\x'],
    ['a UNC path', '\\\\server\\share\\x'],
    ['a NUL byte', 'a\u0000b'],
    ['an empty path', ''],
    ['only dots and slashes', './/.'],
  ])('refuses %s (%j) as FORBIDDEN', async (_label, relative) => {
    expect(await codeOf(resolveInside(root, relative))).toBe('FORBIDDEN');
  });

  it('refuses a symbolic link inside the root that points to a file outside', async () => {
    await fs.symlink(path.join(outside, 'secret.txt'), path.join(root, 'media', 'link.txt'));
    expect(await codeOf(resolveInside(root, 'media/link.txt'))).toBe('FORBIDDEN');
  });

  it('refuses a file reached through a linked folder that points outside', async () => {
    await fs.symlink(outside, path.join(root, 'media', 'elsewhere'));
    expect(await codeOf(resolveInside(root, 'media/elsewhere/secret.txt'))).toBe('FORBIDDEN');
  });

  it('refuses a link to /etc/passwd', async () => {
    await fs.symlink('/etc/passwd', path.join(root, 'passwd'));
    expect(await codeOf(resolveInside(root, 'passwd'))).toBe('FORBIDDEN');
  });

  it('answers NOT_FOUND for a file that does not exist', async () => {
    expect(await codeOf(resolveInside(root, 'media/nope.txt'))).toBe('NOT_FOUND');
  });

  it('answers NOT_FOUND for a dangling link', async () => {
    await fs.symlink(path.join(root, 'gone.txt'), path.join(root, 'dangling'));
    expect(await codeOf(resolveInside(root, 'dangling'))).toBe('NOT_FOUND');
  });

  it('allows a link inside the root that points inside, and returns its target', async () => {
    await fs.symlink(path.join(root, 'media', 'clips', 'a.txt'), path.join(root, 'alias.txt'));
    expect(await resolveInside(root, 'alias.txt')).toBe(path.join(root, 'media', 'clips', 'a.txt'));
  });

  it('works when the root itself is given through a link', async () => {
    const linkedRoot = path.join(outside, 'project-link');
    await fs.symlink(root, linkedRoot);
    expect(await resolveInside(linkedRoot, 'media/clips/a.txt')).toBe(path.join(root, 'media', 'clips', 'a.txt'));
  });

  it('allows a file whose name merely starts with two dots', async () => {
    // "..notes.txt" is an ordinary file name, not a parent segment.
    await fs.writeFile(path.join(root, '..notes.txt'), 'dots');
    expect(await resolveInside(root, '..notes.txt')).toBe(path.join(root, '..notes.txt'));
  });
});

describe('resolveInsideLexically', () => {
  it('resolves a path that does not exist yet', () => {
    expect(resolveInsideLexically(root, 'takes/new/out.mp4')).toBe(path.join(root, 'takes', 'new', 'out.mp4'));
  });

  it('treats backslashes as separators', () => {
    expect(resolveInsideLexically(root, 'takes\\new\\out.mp4')).toBe(path.join(root, 'takes', 'new', 'out.mp4'));
  });

  it('refuses a parent segment without touching the disk', () => {
    expect(() => resolveInsideLexically(root, 'takes/../../x')).toThrow(ApiError);
  });
});

describe('isWithin', () => {
  it.each([
    ['/a', '/a', true],
    ['/a', '/a/b', true],
    ['/a', '/a/b/c.txt', true],
    ['/a', '/ab', false],
    ['/a/b', '/a', false],
    ['/a', '/', false],
    ['/a', '/a/../b', false],
    ['/a', '/b/a', false],
  ])('isWithin(%j, %j) is %s', (rootPath, candidate, expected) => {
    expect(isWithin(rootPath, candidate)).toBe(expected);
  });

  it('counts a child whose name starts with two dots as inside', () => {
    // path.relative gives "..foo" here, which is a name, not a way up.
    expect(isWithin('/a', '/a/..foo')).toBe(true);
  });
});
