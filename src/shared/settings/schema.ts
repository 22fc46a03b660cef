import { z } from 'zod';

export const RecentProject = z.object({
  dir: z.string(),
  name: z.string(),
  openedAt: z.iso.datetime({ offset: true }),
});
export type RecentProject = z.infer<typeof RecentProject>;

/** User settings, stored per user (not per project). Every field has a default so old files keep loading. */
export const Settings = z.object({
  schemaVersion: z.literal(1).default(1),
  /** Seconds between an edit and the automatic save; 0 turns autosave off. */
  autosaveSeconds: z.int().min(0).max(3600).default(5),
  /** Reopen the last project when the studio starts without one named. */
  reopenLastProject: z.boolean().default(true),
  recentProjects: z.array(RecentProject).max(20).default([]),
  /** Which inference device the user wants; 'auto' tries GPUs first and falls back to the CPU. */
  executionProvider: z.enum(['auto', 'cpu', 'cuda', 'dml', 'coreml']).default('auto'),
});
export type Settings = z.infer<typeof Settings>;

/** What the settings panel may change (the recent list is kept by the app itself). */
export const SettingsPatch = Settings.pick({
  autosaveSeconds: true,
  reopenLastProject: true,
  executionProvider: true,
}).partial();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

export const MAX_RECENT_PROJECTS = 10;
