import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ProjectState, ProjectStatus } from '../../shared/api/contract';
import { ApiError, formatIssuePath } from '../../shared/api/errors';
import type { ConditioningSpec } from '../../shared/conditioning/spec';
import { MigrationError, migrateProject } from '../../shared/project/migrations';
import {
  CURRENT_SCHEMA_VERSION,
  DEFAULT_SHOT,
  PROJECT_BACKUP_FILE,
  PROJECT_FILE,
  type ProjectDocument,
  ProjectDocument as ProjectDocumentSchema,
} from '../../shared/project/schema';
import { discardImportedSamples, importSamples as importSampleFiles } from './conditioning/import-samples';
import { writeJsonAtomic } from './fs/atomic-write';
import { resolveInside } from './fs/path-confinement';
import { readJsonFile } from './json-file';
import { importSceneFiles } from './scenes/import-scene';
import { sampleRoomDemoShot, writeSampleRoom } from './scenes/sample-room';
import type { SettingsStore } from './settings-store';

/** Folders every project has; later capabilities fill them. */
const PROJECT_SUBDIRS = ['scenes', 'takes'];

interface OpenProject {
  dir: string;
  document: ProjectDocument;
  dirty: boolean;
  savedAt: string | null;
  revision: number;
  openedFromBackup: boolean;
  migratedFrom: number | null;
  /** project.json on disk is known to be unreadable; it is moved aside before the next save. */
  diskFileCorrupt: boolean;
}

export interface ProjectServiceOptions {
  settings: SettingsStore;
  appVersion: string;
  onStatus?: (status: ProjectStatus) => void;
  now?: () => Date;
}

/**
 * Holds the open project. The renderer edits a copy and sends whole documents back with
 * project.update; this service validates them, keeps the dirty flag, autosaves after the
 * configured delay and writes project.json atomically, keeping the previous good version
 * as project.json.bak.
 */
export class ProjectService {
  private proj: OpenProject | null = null;
  private autosaveTimer: NodeJS.Timeout | null = null;
  private saving: Promise<void> | null = null;
  private lastError: string | null = null;

  constructor(private readonly opts: ProjectServiceOptions) {}

  private now(): Date {
    return this.opts.now ? this.opts.now() : new Date();
  }

  current(): ProjectState | null {
    if (!this.proj) return null;
    const { dir, document, dirty, savedAt, revision, openedFromBackup, migratedFrom } = this.proj;
    return { dir, document: structuredClone(document), dirty, savedAt, revision, openedFromBackup, migratedFrom };
  }

  get dir(): string | null {
    return this.proj?.dir ?? null;
  }

  status(): ProjectStatus {
    return {
      dir: this.proj?.dir ?? null,
      dirty: this.proj?.dirty ?? false,
      saving: this.saving !== null,
      savedAt: this.proj?.savedAt ?? null,
      revision: this.proj?.revision ?? 0,
      error: this.lastError,
    };
  }

  private emitStatus(): void {
    this.opts.onStatus?.(this.status());
  }

  async create(dirInput: string, name: string, opts: { sampleRoom?: boolean } = {}): Promise<ProjectState> {
    const dir = path.resolve(dirInput);
    const existing = await fs.readdir(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      if (err.code === 'ENOTDIR') throw new ApiError('BAD_INPUT', `${dir} is a file, not a folder`, { file: dir });
      throw new ApiError('IO', `${dir}: cannot be read (${err.message})`, { file: dir });
    });
    if (existing?.includes(PROJECT_FILE)) {
      throw new ApiError('ALREADY_EXISTS', `${dir} already holds a project; open it instead`, { file: path.join(dir, PROJECT_FILE) });
    }
    if (existing && existing.length > 0) {
      throw new ApiError('BAD_INPUT', `${dir} is not empty; choose a new or empty folder for the project`, { file: dir });
    }
    await this.close();
    try {
      await fs.mkdir(dir, { recursive: true });
      for (const sub of PROJECT_SUBDIRS) await fs.mkdir(path.join(dir, sub), { recursive: true });
    } catch (err) {
      throw new ApiError('IO', `${dir}: cannot create the project folder (${(err as Error).message})`, { file: dir });
    }
    const at = this.now().toISOString();
    const document = ProjectDocumentSchema.parse({
      schemaVersion: CURRENT_SCHEMA_VERSION,
      id: randomUUID(),
      name,
      createdAt: at,
      modifiedAt: at,
      appVersion: this.opts.appVersion,
      shotDefaults: { ...DEFAULT_SHOT },
      notes: '',
      scenes: [],
      activeSceneId: null,
      shots: [],
      activeShotId: null,
    });
    if (opts.sampleRoom) {
      // Every new project opens with the bundled, procedurally generated sample room.
      const sample = await writeSampleRoom();
      try {
        const asset = await importSceneFiles(dir, sample.file, { name: 'Sample room' });
        document.scenes.push(asset);
        document.activeSceneId = asset.id;
        const shot = sampleRoomDemoShot(asset.id, document.shotDefaults);
        document.shots.push(shot);
        document.activeShotId = shot.id;
      } finally {
        await sample.cleanup();
      }
    }
    await writeJsonAtomic(path.join(dir, PROJECT_FILE), document);
    this.proj = {
      dir,
      document,
      dirty: false,
      savedAt: at,
      revision: 0,
      openedFromBackup: false,
      migratedFrom: null,
      diskFileCorrupt: false,
    };
    this.lastError = null;
    await this.opts.settings.rememberProject(dir, document.name);
    this.emitStatus();
    return this.current() as ProjectState;
  }

  async open(dirInput: string, fromBackup = false): Promise<ProjectState> {
    const dir = path.resolve(dirInput);
    const stat = await fs.stat(dir).catch(() => null);
    if (!stat?.isDirectory()) throw new ApiError('NOT_FOUND', `${dir}: no such folder`, { file: dir });
    // Reopening the open project must not drop unsaved edits: write them before reading.
    if (this.proj && this.proj.dir === dir && this.proj.dirty) await this.save();
    const mainFile = path.join(dir, PROJECT_FILE);
    const file = fromBackup ? path.join(dir, PROJECT_BACKUP_FILE) : mainFile;
    const { document, fromVersion } = await this.readProjectFile(file).catch(async (err: unknown) => {
      // Tell the UI whether the last good version can be offered.
      if (!fromBackup && err instanceof ApiError && err.code === 'PROJECT_INVALID') {
        const backup = path.join(dir, PROJECT_BACKUP_FILE);
        const usable = await this.readProjectFile(backup).then(
          () => true,
          () => false,
        );
        if (usable) {
          throw new ApiError(err.code, `${err.message} A last good version (${PROJECT_BACKUP_FILE}) can be opened instead.`, {
            ...err.toShape(),
            recovery: ['openBackup'],
          });
        }
      }
      throw err;
    });
    let diskFileCorrupt = false;
    if (fromBackup) {
      // Opening the backup means project.json could not be used; keep it as it is until the next save moves it aside.
      diskFileCorrupt = await this.readProjectFile(mainFile).then(
        () => false,
        () => true,
      );
    }
    await this.close();
    for (const sub of PROJECT_SUBDIRS) await fs.mkdir(path.join(dir, sub), { recursive: true }).catch(() => {});
    const migrated = fromVersion !== document.schemaVersion;
    // "Saved" in the status bar means: the file on disk holds this document, written at its mtime.
    const mtime = await fs.stat(file).then(
      (s) => s.mtime.toISOString(),
      () => null,
    );
    this.proj = {
      dir,
      document,
      // A migrated or recovered project must be written back in the current layout.
      dirty: migrated || fromBackup,
      savedAt: migrated || fromBackup ? null : mtime,
      revision: 0,
      openedFromBackup: fromBackup,
      migratedFrom: migrated ? fromVersion : null,
      diskFileCorrupt,
    };
    this.lastError = null;
    await this.opts.settings.rememberProject(dir, document.name);
    if (this.proj.dirty) this.scheduleAutosave();
    this.emitStatus();
    return this.current() as ProjectState;
  }

  /** Parse and validate a project file; errors name the file and the field. The file is never modified. */
  private async readProjectFile(file: string): Promise<{ document: ProjectDocument; fromVersion: number }> {
    const read = await readJsonFile(file);
    if (read.kind === 'missing') {
      throw new ApiError('NOT_FOUND', `${file}: not found; this folder is not a DWM Studio project`, { file });
    }
    if (read.kind === 'unparsable') {
      throw new ApiError('PROJECT_INVALID', `${file}: ${read.message}. The file was left untouched.`, { file });
    }
    try {
      return migrateProject(read.value, { appVersion: this.opts.appVersion, newId: randomUUID });
    } catch (err) {
      if (!(err instanceof MigrationError)) throw err;
      const issue = err.issues?.[0];
      const field = issue ? formatIssuePath(issue.path) : err.field;
      const detail = issue ? `field "${field || '(root)'}": ${issue.message}` : `field "${field}" ${err.message}`;
      const version = err.atVersion !== undefined && err.atVersion !== CURRENT_SCHEMA_VERSION ? ` (schema ${err.atVersion})` : '';
      throw new ApiError('PROJECT_INVALID', `${file}: ${detail}${version}. The file was left untouched.`, { file, field });
    }
  }

  /**
   * Import a scene file into the open project. The files are copied first (nothing is
   * added to the document if that fails); the scene becomes the active one when none is.
   */
  async importScene(source: string, opts: { name?: string } = {}): Promise<ProjectState> {
    const open = this.requireOpen();
    const asset = await importSceneFiles(open.dir, path.resolve(source), opts.name ? { name: opts.name } : {});
    // The project may have been closed or switched while the files were copied.
    if (this.proj !== open) throw new ApiError('NO_PROJECT', 'The project was closed while the scene was being imported');
    const document = ProjectDocumentSchema.parse({
      ...open.document,
      scenes: [...open.document.scenes, asset],
      activeSceneId: open.document.activeSceneId ?? asset.id,
    });
    return this.update(document, open.revision);
  }

  /**
   * Import the samples of a DWM reference-layout folder as shots whose conditioning comes from
   * the files (copied under samples/<id>/). Every sample is checked first; one problem refuses
   * the whole import and nothing is copied or added. The first imported shot becomes active.
   */
  async importSamples(source: string, opts: { spec?: ConditioningSpec } = {}): Promise<ProjectState> {
    const open = this.requireOpen();
    const shots = await importSampleFiles({ dir: open.dir, document: open.document }, path.resolve(source), opts);
    const first = shots[0];
    try {
      // The project may have been closed or switched while the files were copied.
      if (this.proj !== open) throw new ApiError('NO_PROJECT', 'The project was closed while the samples were being imported');
      if (!first) throw new ApiError('BAD_INPUT', `${path.resolve(source)} holds no samples`);
      // update() validates the whole document and answers BAD_INPUT naming the field.
      const document: ProjectDocument = { ...open.document, shots: [...open.document.shots, ...shots], activeShotId: first.id };
      return await this.update(document, open.revision);
    } catch (err) {
      // Nothing refers to the copies: do not leave them behind.
      await discardImportedSamples(open.dir, shots);
      throw err;
    }
  }

  async update(document: ProjectDocument, baseRevision: number): Promise<ProjectState> {
    const open = this.requireOpen();
    if (baseRevision !== open.revision) {
      throw new ApiError('BAD_INPUT', `Stale edit: the project is at revision ${open.revision}, the edit was based on ${baseRevision}`);
    }
    if (document.id !== open.document.id) throw new ApiError('BAD_INPUT', 'The document belongs to another project');
    // In-process callers get the same checks as API calls (cross-references such as activeSceneId).
    const checked = ProjectDocumentSchema.safeParse(document);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const field = formatIssuePath(issue?.path ?? []);
      throw new ApiError('BAD_INPUT', `Invalid project document: field "${field}": ${issue?.message ?? 'invalid'}`, { field });
    }
    open.document = { ...checked.data, modifiedAt: this.now().toISOString() };
    open.dirty = true;
    open.revision += 1;
    this.scheduleAutosave();
    this.emitStatus();
    return this.current() as ProjectState;
  }

  private scheduleAutosave(): void {
    if (this.autosaveTimer) clearTimeout(this.autosaveTimer);
    this.autosaveTimer = null;
    const seconds = this.opts.settings.get().autosaveSeconds;
    if (seconds <= 0) return;
    this.autosaveTimer = setTimeout(() => {
      this.autosaveTimer = null;
      this.save().catch(() => {
        // save() records the error in the status the UI shows.
      });
    }, seconds * 1000);
    this.autosaveTimer.unref?.();
  }

  async save(): Promise<ProjectState> {
    const open = this.requireOpen();
    // Saves are serialised: a second save waits for the first and then writes the newest state.
    while (this.saving) await this.saving;
    if (this.autosaveTimer) {
      clearTimeout(this.autosaveTimer);
      this.autosaveTimer = null;
    }
    const task = this.writeToDisk(open);
    this.saving = task.finally(() => {
      this.saving = null;
    });
    this.emitStatus();
    try {
      await this.saving;
    } finally {
      this.emitStatus();
    }
    return this.current() as ProjectState;
  }

  private async writeToDisk(open: OpenProject): Promise<void> {
    const file = path.join(open.dir, PROJECT_FILE);
    const revision = open.revision;
    const snapshot = structuredClone(open.document);
    try {
      if (open.diskFileCorrupt) {
        // Never overwrite what the user may still want to rescue.
        const stamp = this.now().toISOString().replace(/[:.]/g, '-');
        await fs.rename(file, `${file}.corrupt-${stamp}`).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'ENOENT') throw err;
        });
        open.diskFileCorrupt = false;
      } else {
        await this.backupCurrentFile(file, open.dir);
      }
      await writeJsonAtomic(file, snapshot);
      open.savedAt = this.now().toISOString();
      // The recent list shows the name as last saved.
      await this.opts.settings.rememberProject(open.dir, snapshot.name);
      if (open.revision === revision) open.dirty = false;
      open.openedFromBackup = false;
      this.lastError = null;
    } catch (err) {
      this.lastError = `${file}: could not be saved (${(err as Error).message})`;
      throw new ApiError('IO', this.lastError, { file });
    }
  }

  /** Keep the version on disk, which was valid when it was written, as project.json.bak. */
  private async backupCurrentFile(file: string, dir: string): Promise<void> {
    const read = await readJsonFile(file);
    if (read.kind !== 'ok') return;
    await writeJsonAtomic(path.join(dir, PROJECT_BACKUP_FILE), read.value);
  }

  async close(): Promise<boolean> {
    if (!this.proj) return false;
    if (this.proj.dirty) await this.save();
    if (this.autosaveTimer) clearTimeout(this.autosaveTimer);
    this.autosaveTimer = null;
    this.proj = null;
    this.lastError = null;
    this.emitStatus();
    return true;
  }

  /** Absolute path of a file inside the open project, refusing anything that escapes it. */
  async resolveMedia(relative: string): Promise<string> {
    const open = this.requireOpen();
    return resolveInside(open.dir, relative);
  }

  private requireOpen(): OpenProject {
    if (!this.proj) throw new ApiError('NO_PROJECT', 'No project is open');
    return this.proj;
  }
}
