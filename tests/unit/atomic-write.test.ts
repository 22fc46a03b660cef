import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeJsonAtomic } from '../../src/main/services/fs/atomic-write';

let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dwm-atomic-'));
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Temporary files the writer creates are named `.<target>.<pid>.<random>.tmp`. */
async function tempFilesIn(folder: string): Promise<string[]> {
  return (await fs.readdir(folder)).filter((name) => name.endsWith('.tmp'));
}

describe('writeFileAtomic', () => {
  it('writes a new file with the given text', async () => {
    const target = path.join(dir, 'notes.txt');
    await writeFileAtomic(target, 'hello, world\n');
    expect(await fs.readFile(target, 'utf8')).toBe('hello, world\n');
  });

  it('writes bytes exactly', async () => {
    const target = path.join(dir, 'blob.bin');
    const bytes = new Uint8Array([0, 1, 2, 255, 254, 10, 13]);
    await writeFileAtomic(target, bytes);
    expect(Buffer.compare(await fs.readFile(target), Buffer.from(bytes))).toBe(0);
  });

  it('replaces an existing file completely, even with shorter content', async () => {
    const target = path.join(dir, 'notes.txt');
    await fs.writeFile(target, 'a much longer original text that must not leave a tail');
    await writeFileAtomic(target, 'short');
    expect(await fs.readFile(target, 'utf8')).toBe('short');
  });

  it('leaves only the target in the folder: no temporary files', async () => {
    const target = path.join(dir, 'notes.txt');
    await writeFileAtomic(target, 'one');
    await writeFileAtomic(target, 'two');
    expect(await fs.readdir(dir)).toEqual(['notes.txt']);
  });

  it('ends with one whole version when writes race, and no temporary files', async () => {
    const target = path.join(dir, 'race.txt');
    const versions = Array.from({ length: 20 }, (_, i) => `version ${i} `.repeat(1000));
    await Promise.all(versions.map((v) => writeFileAtomic(target, v)));
    // Whichever rename landed last wins, but its content is never a mix of two writes.
    expect(versions).toContain(await fs.readFile(target, 'utf8'));
    expect(await tempFilesIn(dir)).toEqual([]);
  });

  it('on failure leaves the original target intact and removes its temporary file', async () => {
    // A non-empty folder at the target path makes the final rename fail (as root too,
    // where permission tricks do not work).
    const target = path.join(dir, 'project.json');
    await fs.mkdir(target);
    await fs.writeFile(path.join(target, 'keep.txt'), 'precious');

    await expect(writeFileAtomic(target, '{"new": true}')).rejects.toThrow();

    expect((await fs.stat(target)).isDirectory()).toBe(true);
    expect(await fs.readdir(target)).toEqual(['keep.txt']);
    expect(await fs.readFile(path.join(target, 'keep.txt'), 'utf8')).toBe('precious');
    expect(await tempFilesIn(dir)).toEqual([]);
    expect(await fs.readdir(dir)).toEqual(['project.json']);
  });

  it('fails without creating anything when the folder does not exist', async () => {
    const target = path.join(dir, 'missing', 'file.txt');
    await expect(writeFileAtomic(target, 'x')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await fs.readdir(dir)).toEqual([]);
  });
});

describe('writeJsonAtomic', () => {
  it('writes indented JSON with a final newline that parses back to the value', async () => {
    const target = path.join(dir, 'settings.json');
    const value = { a: 1, nested: { list: [1, 'two', null] } };
    await writeJsonAtomic(target, value);
    const text = await fs.readFile(target, 'utf8');
    expect(text).toBe(`${JSON.stringify(value, null, 2)}\n`);
    expect(JSON.parse(text)).toEqual(value);
  });
});
