import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SettingsStore } from '../../src/main/services/settings-store';
import { MAX_RECENT_PROJECTS, Settings } from '../../src/shared/settings/schema';

let userDataDir: string;

beforeEach(async () => {
  userDataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dwm-settings-'));
});

afterEach(async () => {
  await fs.rm(userDataDir, { recursive: true, force: true });
});

const DEFAULTS = Settings.parse({});

async function loadedStore(dir = userDataDir): Promise<SettingsStore> {
  const store = new SettingsStore(dir);
  await store.load();
  return store;
}

describe('SettingsStore', () => {
  it('uses the defaults when there is no settings file, without writing one', async () => {
    const store = await loadedStore();
    expect(store.get()).toEqual(DEFAULTS);
    expect(store.get().autosaveSeconds).toBe(5);
    expect(store.loadWarning).toBeNull();
    expect(await fs.readdir(userDataDir)).toEqual([]);
  });

  it('creates a user data folder that does not exist yet', async () => {
    const nested = path.join(userDataDir, 'a', 'b');
    const store = await loadedStore(nested);
    expect(store.get()).toEqual(DEFAULTS);
    expect((await fs.stat(nested)).isDirectory()).toBe(true);
  });

  it('persists an update, and a new store reads it back', async () => {
    const store = await loadedStore();
    const result = await store.update({ autosaveSeconds: 30, executionProvider: 'cpu' });
    expect(result.autosaveSeconds).toBe(30);
    expect(result.executionProvider).toBe('cpu');

    const reopened = await loadedStore();
    expect(reopened.get()).toEqual(result);
    expect(reopened.get().reopenLastProject).toBe(true);
    expect(JSON.parse(await fs.readFile(store.file, 'utf8')).autosaveSeconds).toBe(30);
  });

  it('refuses an out-of-range update and keeps the stored value', async () => {
    const store = await loadedStore();
    await store.update({ autosaveSeconds: 7 });
    await expect(store.update({ autosaveSeconds: -1 })).rejects.toThrow();
    expect(store.get().autosaveSeconds).toBe(7);
    expect((await loadedStore()).get().autosaveSeconds).toBe(7);
  });

  it('hands out copies, so callers cannot change the stored settings', async () => {
    const store = await loadedStore();
    store.get().recentProjects.push({ dir: '/x', name: 'x', openedAt: new Date().toISOString() });
    expect(store.get().recentProjects).toEqual([]);
  });

  describe('rememberProject', () => {
    it('puts the newest project first', async () => {
      const store = await loadedStore();
      await store.rememberProject('/projects/a', 'A', new Date('2025-01-01T00:00:00Z'));
      await store.rememberProject('/projects/b', 'B', new Date('2025-01-02T00:00:00Z'));
      expect(store.get().recentProjects).toEqual([
        { dir: path.resolve('/projects/b'), name: 'B', openedAt: '2025-01-02T00:00:00.000Z' },
        { dir: path.resolve('/projects/a'), name: 'A', openedAt: '2025-01-01T00:00:00.000Z' },
      ]);
    });

    it('keeps one entry per folder, moved to the front with its new name', async () => {
      const store = await loadedStore();
      await store.rememberProject('/projects/a', 'A');
      await store.rememberProject('/projects/b', 'B');
      // The same folder written differently still counts as the same project.
      await store.rememberProject('/projects/x/../a/', 'A renamed');
      const recent = store.get().recentProjects;
      expect(recent.map((r) => r.dir)).toEqual([path.resolve('/projects/a'), path.resolve('/projects/b')]);
      expect(recent[0]?.name).toBe('A renamed');
    });

    it(`keeps at most ${MAX_RECENT_PROJECTS} projects, dropping the oldest`, async () => {
      const store = await loadedStore();
      const total = MAX_RECENT_PROJECTS + 3;
      for (let i = 0; i < total; i++) await store.rememberProject(`/projects/p${i}`, `P${i}`);
      const dirs = store.get().recentProjects.map((r) => r.dir);
      expect(dirs).toHaveLength(MAX_RECENT_PROJECTS);
      expect(dirs[0]).toBe(path.resolve(`/projects/p${total - 1}`));
      expect(dirs).not.toContain(path.resolve('/projects/p0'));
    });

    it('persists the list', async () => {
      const store = await loadedStore();
      await store.rememberProject('/projects/a', 'A');
      expect((await loadedStore()).get().recentProjects.map((r) => r.name)).toEqual(['A']);
    });
  });

  describe('a settings file that cannot be used', () => {
    it.each([
      ['is not JSON', '{ "autosaveSeconds": 10,, }', 'line 1'],
      ['is empty', '', 'empty'],
      ['has a wrong-typed field', '{ "autosaveSeconds": "ten", "reopenLastProject": false }\n', 'autosaveSeconds'],
      [
        'has a bad value in a list',
        '{ "recentProjects": [{ "dir": "/a", "name": "A", "openedAt": "soon" }] }',
        'recentProjects[0].openedAt',
      ],
    ])('is kept aside byte for byte when it %s, and the defaults are used', async (_label, content, detail) => {
      const file = path.join(userDataDir, 'settings.json');
      await fs.writeFile(file, content);
      const before = await fs.readFile(file);

      const store = await loadedStore();

      expect(store.get()).toEqual(DEFAULTS);
      const names = await fs.readdir(userDataDir);
      // Moved, never deleted: settings.json is gone and one settings.json.corrupt-* holds its exact bytes.
      expect(names).not.toContain('settings.json');
      const kept = names.filter((n) => n.startsWith('settings.json.corrupt-'));
      expect(kept).toHaveLength(1);
      expect(Buffer.compare(await fs.readFile(path.join(userDataDir, kept[0] as string)), before)).toBe(0);

      expect(store.loadWarning).toContain(file);
      expect(store.loadWarning).toContain(kept[0]);
      expect(store.loadWarning).toContain(detail);
    });

    it('does not come back: the next update writes a good file beside the kept one', async () => {
      await fs.writeFile(path.join(userDataDir, 'settings.json'), 'garbage');
      const store = await loadedStore();
      await store.update({ autosaveSeconds: 12 });

      const reopened = await loadedStore();
      expect(reopened.loadWarning).toBeNull();
      expect(reopened.get().autosaveSeconds).toBe(12);
      expect((await fs.readdir(userDataDir)).filter((n) => n.startsWith('settings.json.corrupt-'))).toHaveLength(1);
    });

    it('keeps an old file with unknown extra fields and missing ones (defaults fill the gaps)', async () => {
      await fs.writeFile(path.join(userDataDir, 'settings.json'), '{ "autosaveSeconds": 0, "futureOption": true }');
      const store = await loadedStore();
      expect(store.loadWarning).toBeNull();
      expect(store.get()).toEqual({ ...DEFAULTS, autosaveSeconds: 0 });
      expect(await fs.readdir(userDataDir)).toEqual(['settings.json']);
    });
  });
});
