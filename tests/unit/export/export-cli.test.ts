import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportId } from '../../../src/main/export/take-episode';
import { ProjectService } from '../../../src/main/services/project-service';
import { SettingsStore } from '../../../src/main/services/settings-store';
import type { TakeRecord } from '../../../src/shared/model/take';
import { tempDir } from '../pipeline/helpers';
import { writeDoneTake } from './take-fixtures';

/** `dwm-studio export` through bin/: take folders, and a project with filters. */
const ROOT = path.resolve(import.meta.dirname, '../../..');
let root: string;
let project: string;
let good: TakeRecord;
let meh: TakeRecord;

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'dwm-studio.mjs'), ...args], {
      env: { ...process.env, DWM_STUDIO_HOME: path.join(root, 'user') },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  root = await tempDir('export-cli');
  project = path.join(root, 'project');
  const settings = new SettingsStore(path.join(root, 'user'));
  await settings.load();
  const projects = new ProjectService({ settings, appVersion: 'test' });
  await projects.create(project, 'cli export', { sampleRoom: false });
  await projects.close();
  good = await writeDoneTake(project, { name: 'Good take', prompt: 'open the drawer', withPoses: true, rating: 5 });
  meh = await writeDoneTake(project, { name: 'Meh take', prompt: 'open the drawer', withPoses: true, rating: 1 });
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('dwm-studio export', () => {
  it('exports the takes of a project rated at least N as a LeRobot dataset', async () => {
    const out = path.join(root, 'ds');
    const r = await cli(['export', '--format', 'lerobot', '--out', out, '--project', project, '--min-rating', '3']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Exported 1 take \(lerobot\)/);
    const info = JSON.parse(await fs.readFile(path.join(out, 'meta', 'info.json'), 'utf8'));
    expect(info.total_episodes).toBe(1);
  }, 60_000);

  it('exports take folders given by path in the plain format', async () => {
    const out = path.join(root, 'plain');
    const r = await cli([
      'export',
      '--format',
      'plain',
      '--out',
      out,
      '--takes',
      path.join(project, 'takes', good.id),
      path.join(project, 'takes', meh.id),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect((await fs.readdir(out)).sort()).toEqual(
      [`${exportId(good)}.json`, `${exportId(good)}.mp4`, `${exportId(meh)}.json`, `${exportId(meh)}.mp4`].sort(),
    );
  }, 60_000);

  it('says what is wrong: no takes chosen, an unknown format, a folder that is not a take', async () => {
    const none = await cli(['export', '--format', 'plain', '--out', path.join(root, 'x')]);
    expect(none.stderr).toMatch(/--project DIR .* or --takes FOLDER/);
    const badFormat = await cli(['export', '--format', 'zip', '--out', path.join(root, 'y'), '--project', project]);
    expect(badFormat.stderr).toMatch(/Allowed choices are lerobot, dwm, plain/);
    const notTake = await cli(['export', '--format', 'plain', '--out', path.join(root, 'z'), '--takes', root]);
    expect(notTake.stderr).toMatch(/take\.json: not found/);
  }, 60_000);
});
