import { z } from 'zod';
import { Shot, ShotV4 } from '../animation/schema';
import { SceneAsset } from '../scene/schema';

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

/** Schema 2: project metadata and shot defaults, no scenes. */
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

/** Schema 3: adds imported scenes. */
export const ProjectV3 = ProjectV2.extend({
  schemaVersion: z.literal(3),
  scenes: z.array(SceneAsset).max(1000).default([]),
  /** The scene shown in the viewport and used for conditioning renders. */
  activeSceneId: z.uuid().nullable().default(null),
}).superRefine(checkScenes);
export type ProjectV3 = z.infer<typeof ProjectV3>;

/** Schema 4: adds shots (the keyed camera and hands). */
export const ProjectV4 = ProjectV2.extend({
  schemaVersion: z.literal(4),
  scenes: z.array(SceneAsset).max(1000).default([]),
  activeSceneId: z.uuid().nullable().default(null),
  shots: z.array(ShotV4).max(1000).default([]),
  /** The shot shown on the timeline. */
  activeShotId: z.uuid().nullable().default(null),
}).superRefine((doc, ctx) => {
  checkScenes(doc, ctx);
  checkShots(doc, ctx);
});
export type ProjectV4 = z.infer<typeof ProjectV4>;

/**
 * Schema 5, the current layout: a shot may carry conditioning imported from files (a sample
 * of the DWM reference layout). The layout is otherwise that of schema 4; the version moves so
 * that an older studio refuses the file instead of silently dropping the field.
 */
export const ProjectV5 = ProjectV2.extend({
  schemaVersion: z.literal(5),
  scenes: z.array(SceneAsset).max(1000).default([]),
  activeSceneId: z.uuid().nullable().default(null),
  shots: z.array(Shot).max(1000).default([]),
  /** The shot shown on the timeline. */
  activeShotId: z.uuid().nullable().default(null),
}).superRefine((doc, ctx) => {
  checkScenes(doc, ctx);
  checkShots(doc, ctx);
});
export type ProjectV5 = z.infer<typeof ProjectV5>;

function checkShots(
  doc: { scenes: SceneAsset[]; shots: { id: string; sceneId: string | null }[]; activeShotId: string | null },
  ctx: z.RefinementCtx,
): void {
  const sceneIds = new Set(doc.scenes.map((s) => s.id));
  const shotIds = new Set<string>();
  doc.shots.forEach((shot, i) => {
    if (shotIds.has(shot.id)) ctx.addIssue({ code: 'custom', path: ['shots', i, 'id'], message: `duplicate shot id ${shot.id}` });
    shotIds.add(shot.id);
    if (shot.sceneId !== null && !sceneIds.has(shot.sceneId)) {
      ctx.addIssue({ code: 'custom', path: ['shots', i, 'sceneId'], message: 'names no scene of this project' });
    }
  });
  if (doc.activeShotId !== null && !shotIds.has(doc.activeShotId)) {
    ctx.addIssue({ code: 'custom', path: ['activeShotId'], message: 'names no shot of this project' });
  }
}

function checkScenes(doc: { scenes: SceneAsset[]; activeSceneId: string | null }, ctx: z.RefinementCtx): void {
  const ids = new Set<string>();
  doc.scenes.forEach((scene, i) => {
    if (ids.has(scene.id)) ctx.addIssue({ code: 'custom', path: ['scenes', i, 'id'], message: `duplicate scene id ${scene.id}` });
    ids.add(scene.id);
  });
  if (doc.activeSceneId !== null && !ids.has(doc.activeSceneId)) {
    ctx.addIssue({ code: 'custom', path: ['activeSceneId'], message: 'names no scene of this project' });
  }
}

export const CURRENT_SCHEMA_VERSION = 5;
export const ProjectDocument = ProjectV5;
export type ProjectDocument = ProjectV5;
