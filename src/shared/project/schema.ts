import { z } from 'zod';

/**
 * project.json, the one file that makes a folder a DWM Studio project.
 * Each released layout keeps its schema here so that migrations can read old files;
 * the current one is what the app works with.
 */

export const PROJECT_FILE = 'project.json';
/** The last version that parsed and validated, kept beside project.json on every save. */
export const PROJECT_BACKUP_FILE = 'project.json.bak';

/** Schema 1: the first prototype layout (name, creation time, nothing else). */
export const ProjectV1 = z.object({
  schemaVersion: z.literal(1),
  title: z.string(),
  created: z.string(),
});
export type ProjectV1 = z.infer<typeof ProjectV1>;

const IsoDate = z.iso.datetime({ offset: true });

/** Where a shot's length and rate come from until a model bundle says otherwise (DWM: 49 frames at 8 fps). */
export const ShotDefaults = z.object({
  frames: z.int().min(1).max(10_000),
  fps: z.number().positive().max(240),
  width: z.int().min(16).max(8192),
  height: z.int().min(16).max(8192),
});
export type ShotDefaults = z.infer<typeof ShotDefaults>;

export const DEFAULT_SHOT: ShotDefaults = { frames: 49, fps: 8, width: 720, height: 480 };

/** Schema 2: the current layout. Scenes, shots and takes are added by later schema versions. */
export const ProjectV2 = z.object({
  schemaVersion: z.literal(2),
  id: z.uuid(),
  name: z.string().trim().min(1, 'a project needs a name').max(200),
  createdAt: IsoDate,
  modifiedAt: IsoDate,
  appVersion: z.string(),
  shotDefaults: ShotDefaults,
  notes: z.string().max(100_000).default(''),
});
export type ProjectV2 = z.infer<typeof ProjectV2>;

export const CURRENT_SCHEMA_VERSION = 2;
export const ProjectDocument = ProjectV2;
export type ProjectDocument = ProjectV2;
