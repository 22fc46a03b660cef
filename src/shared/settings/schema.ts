import { z } from 'zod';

export const RecentProject = z.object({
  dir: z.string(),
  name: z.string(),
  openedAt: z.iso.datetime({ offset: true }),
});
export type RecentProject = z.infer<typeof RecentProject>;

/** The modelFolders setting holds at most this many folders (a folder may hold many bundles). */
export const MAX_MODEL_FOLDERS = 20;

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
  /** Extra folders searched for model bundles, besides the ones that ship with the app. */
  modelFolders: z
    .array(
      z
        .string()
        .min(1)
        .max(4096)
        .refine((p) => p.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(p) || p.startsWith('\\\\'), 'a model folder must be an absolute path'),
    )
    .max(MAX_MODEL_FOLDERS)
    .default([]),
  /** The model new takes use; null: the first learned model installed, else the baseline. */
  defaultModelId: z.string().max(100).nullable().default(null),
  /** Seconds without a generation before the pipeline process stops and frees the model's memory. */
  pipelineIdleSeconds: z.int().min(5).max(86_400).default(300),
});
export type Settings = z.infer<typeof Settings>;

/** What the settings panel may change (the recent list is kept by the app itself). */
export const SettingsPatch = Settings.pick({
  autosaveSeconds: true,
  reopenLastProject: true,
  executionProvider: true,
  modelFolders: true,
  defaultModelId: true,
  pipelineIdleSeconds: true,
}).partial();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

export const MAX_RECENT_PROJECTS = 10;
