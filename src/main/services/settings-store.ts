import { promises as fs } from 'node:fs';
import path from 'node:path';
import { formatIssuePath } from '../../shared/api/errors';
import { MAX_RECENT_PROJECTS, type Settings, type SettingsPatch, Settings as SettingsSchema } from '../../shared/settings/schema';
import { writeJsonAtomic } from './fs/atomic-write';
import { readJsonFile } from './json-file';

/**
 * User settings in `<userDataDir>/settings.json`. A file that cannot be read is moved
 * aside (never deleted) and the defaults are used, with a warning that names the file.
 */
export class SettingsStore {
  private settings: Settings = SettingsSchema.parse({});
  readonly file: string;
  /** Set when the stored file was unusable at load time. */
  loadWarning: string | null = null;

  constructor(readonly userDataDir: string) {
    this.file = path.join(userDataDir, 'settings.json');
  }

  async load(): Promise<Settings> {
    await fs.mkdir(this.userDataDir, { recursive: true });
    const read = await readJsonFile(this.file);
    if (read.kind === 'missing') return this.settings;
    let problem: string | null = null;
    if (read.kind === 'unparsable') problem = read.message;
    else {
      const parsed = SettingsSchema.safeParse(read.value);
      if (parsed.success) this.settings = parsed.data;
      else {
        const issue = parsed.error.issues[0];
        problem = `field "${formatIssuePath(issue?.path ?? [])}": ${issue?.message ?? 'invalid'}`;
      }
    }
    if (problem) {
      const kept = `${this.file}.corrupt-${Date.now()}`;
      await fs.rename(this.file, kept);
      this.loadWarning = `${this.file}: ${problem}. Defaults are in use; the old file was kept as ${path.basename(kept)}.`;
    }
    return this.settings;
  }

  get(): Settings {
    return structuredClone(this.settings);
  }

  async update(patch: SettingsPatch): Promise<Settings> {
    this.settings = SettingsSchema.parse({ ...this.settings, ...patch });
    await writeJsonAtomic(this.file, this.settings);
    return this.get();
  }

  async rememberProject(dir: string, name: string, now = new Date()): Promise<void> {
    const rest = this.settings.recentProjects.filter((r) => path.resolve(r.dir) !== path.resolve(dir));
    const recentProjects = [{ dir: path.resolve(dir), name, openedAt: now.toISOString() }, ...rest].slice(0, MAX_RECENT_PROJECTS);
    this.settings = { ...this.settings, recentProjects };
    await writeJsonAtomic(this.file, this.settings);
  }
}
