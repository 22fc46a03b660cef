import { z } from 'zod';
import { ConditioningSpec } from '../conditioning/spec';
import { ModelManifest } from '../model/manifest';
import { ProviderChoice, Seed, TakeProgress, TakeRecord, TakeReview } from '../model/take';
import { ProjectDocument } from '../project/schema';
import { RecentProject, Settings, SettingsPatch } from '../settings/schema';
import { ClipIndexEntry, ClipMetaInput, ClipSetSize } from '../synth/clip-meta';
import type { Envelope } from './errors';

/**
 * The one API contract between the renderer and the main process. Every call and every
 * pushed event is declared here once, with its schemas; the Electron IPC wiring, the
 * preload bridge, the web host's HTTP/WebSocket routes and the renderer's client are all
 * derived from this table, and main validates every input against it.
 */

const AbsPath = z
  .string()
  .min(1, 'a folder path is required')
  .max(4096)
  .refine((p) => !p.includes('\0'), 'a path may not contain NUL characters');

/** POSIX, drive-letter or UNC absolute path (shared code has no node:path). */
function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

/** A model by the id its manifest gives. */
const ModelRef = z.string().min(1).max(100);

export const ProjectState = z.object({
  dir: z.string(),
  document: ProjectDocument,
  /** Unsaved edits exist in memory. */
  dirty: z.boolean(),
  /** When project.json was last written by this session (or read, when nothing was written yet). */
  savedAt: z.iso.datetime({ offset: true }).nullable(),
  /** Increases on every accepted change, so clients can drop stale updates. */
  revision: z.int().min(0),
  /** Set when the project was opened from project.json.bak because project.json was unreadable. */
  openedFromBackup: z.boolean(),
  /** Schema version the file had when opened, when it was migrated on open. */
  migratedFrom: z.int().nullable(),
});
export type ProjectState = z.infer<typeof ProjectState>;

/** A finished conditioning render; paths relative to the project (for the media route). */
export const RenderResult = z.object({ dir: z.string(), staticVideo: z.string(), handsVideo: z.string(), poses: z.string() });
export type RenderResult = z.infer<typeof RenderResult>;

export const BackendInfo = z.object({
  name: z.string(),
  /** The runtime library for it is present in this install. */
  available: z.boolean(),
});

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  transport: z.enum(['electron', 'web']),
  platform: z.string(),
  /** Native open/save dialogs exist (Electron); the web host asks for paths as text. */
  nativeDialogs: z.boolean(),
  /** Where settings and the recent list live. */
  userDataDir: z.string(),
  /** Where the New Project dialog suggests putting projects. */
  projectsDir: z.string(),
  /** Execution providers the bundled onnxruntime-node offers on this machine. */
  inferenceBackends: z.array(BackendInfo),
  /** Installed model bundles, the one new takes use first. */
  models: z.array(z.object({ id: z.string(), name: z.string(), baseline: z.boolean() })),
});
export type AppInfo = z.infer<typeof AppInfo>;

/** An installed model as the UI shows it. */
export const ModelSummary = z.object({
  id: z.string(),
  name: z.string(),
  version: z.string(),
  description: z.string(),
  baseline: z.boolean(),
  dir: z.string(),
  /** Bytes of the graphs and tokenizer files. */
  bytes: z.number().min(0),
  conditioning: ConditioningSpec,
  uses: ModelManifest.shape.uses,
  defaults: ModelManifest.shape.defaults,
  scheduler: z.string(),
});
export type ModelSummary = z.infer<typeof ModelSummary>;

export const ModelList = z.object({
  models: z.array(ModelSummary),
  /** Bundle folders that were found but cannot be used, with the reason. */
  invalid: z.array(z.object({ dir: z.string(), id: z.string().nullable(), problem: z.string() })),
  /** What a new take uses when no model is named. */
  defaultModelId: z.string().nullable(),
});
export type ModelList = z.infer<typeof ModelList>;

/** What models.validate found in a bundle folder, before anything is added or loaded. */
export const BundleCheck = z.object({
  dir: z.string(),
  /** The manifest's id, when it could be read. */
  id: z.string().nullable(),
  /** Each names the file (relative to dir) and what is wrong with it; empty when the bundle can be added. */
  problems: z.array(z.string()),
  /** The model as the list shows it, when there is no problem. */
  model: ModelSummary.nullable(),
  /** The folder is already one of the installed models. */
  installed: z.boolean(),
});
export type BundleCheck = z.infer<typeof BundleCheck>;

const BundleFolder = z
  .object({ path: AbsPath.refine(isAbsolutePath, 'must be an absolute path (the model bundle folder, with its manifest.json)') })
  .strict();

/** A take with the project-relative paths of its files (for the media route). */
export const TakeView = TakeRecord.extend({
  paths: z.object({
    dir: z.string(),
    video: z.string(),
    staticVideo: z.string(),
    handsVideo: z.string(),
    poster: z.string().nullable(),
    preview: z.string().nullable(),
  }),
});
export type TakeView = z.infer<typeof TakeView>;

const TakeId = z.object({ takeId: z.uuid() }).strict();

export const MenuCommand = z.enum([
  'project.new',
  'project.open',
  'project.save',
  'project.close',
  'scene.import',
  'edit.undo',
  'edit.redo',
  'app.settings',
]);
export type MenuCommand = z.infer<typeof MenuCommand>;

export const ProjectStatus = z.object({
  dir: z.string().nullable(),
  dirty: z.boolean(),
  saving: z.boolean(),
  savedAt: z.iso.datetime({ offset: true }).nullable(),
  revision: z.int().min(0),
  /** The last autosave or save error, shown in the status bar until the next good save. */
  error: z.string().nullable(),
});
export type ProjectStatus = z.infer<typeof ProjectStatus>;

const Empty = z.object({}).strict();

function call<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string) {
  return { input, output, summary };
}

export const calls = {
  'app.info': call(Empty, AppInfo, 'Versions, transport and machine capabilities.'),
  'settings.get': call(Empty, Settings, 'Read user settings.'),
  'settings.update': call(SettingsPatch.strict(), Settings, 'Change user settings; returns the stored result.'),
  'project.recent': call(
    Empty,
    z.array(RecentProject.extend({ exists: z.boolean() })),
    'Recently opened projects, newest first, with whether their folder still exists.',
  ),
  'project.current': call(Empty, ProjectState.nullable(), 'The open project, or null.'),
  'project.create': call(
    z.object({ dir: AbsPath, name: z.string().trim().min(1, 'a project needs a name').max(200) }).strict(),
    ProjectState,
    'Create a project in an empty or new folder and open it.',
  ),
  'project.open': call(
    z.object({ dir: AbsPath, fromBackup: z.boolean().default(false) }).strict(),
    ProjectState,
    'Open a project folder (or its last good version, project.json.bak).',
  ),
  'project.update': call(
    z.object({ document: ProjectDocument, baseRevision: z.int().min(0) }).strict(),
    ProjectState,
    'Replace the open document; it is saved by autosave or project.save.',
  ),
  'project.save': call(Empty, ProjectState, 'Write the open project to disk now.'),
  'project.close': call(Empty, z.object({ closed: z.boolean() }), 'Save pending edits and close the project.'),
  'scene.import': call(
    z.object({ path: AbsPath, name: z.string().trim().min(1).max(200).optional() }).strict(),
    ProjectState,
    'Copy a scene file (and its textures, .mtl, .bin) into the open project and add it as a scene.',
  ),
  'scene.importUpload': call(
    z.object({ uploadId: z.uuid(), main: z.string().min(1).max(255), name: z.string().trim().min(1).max(200).optional() }).strict(),
    ProjectState,
    'Import files sent to the web host with PUT /api/upload/<uploadId>/<name>; main names the scene file among them.',
  ),
  'samples.import': call(
    z.object({ dir: AbsPath.refine(isAbsolutePath, 'must be an absolute path') }).strict(),
    ProjectState,
    'Import a DWM reference-layout folder (videos_static/, videos_hands/, prompts_rewrite/ or prompts/, videos/ as ground truth) as one shot per sample, conditioned by its files; refused whole when any sample has a problem.',
  ),
  'render.begin': call(
    z.object({ shotId: z.uuid(), pngs: z.boolean().default(true), modelId: ModelRef.optional() }).strict(),
    z.object({ renderId: z.uuid(), spec: ConditioningSpec }),
    "Start rendering a shot's conditioning videos at the size, length, rate, colours and field of view the model's manifest asks for (the default model when none is named); the UI then sends each frame (static pass, hand pass) as binary.",
  ),
  'render.finish': call(z.object({ renderId: z.uuid() }).strict(), RenderResult, 'Encode the sent frames and move the render into place.'),
  'render.abort': call(
    z.object({ renderId: z.uuid() }).strict(),
    z.object({ aborted: z.boolean() }),
    'Cancel a render; nothing of it is kept.',
  ),
  'render.latest': call(
    z.object({ shotId: z.uuid(), modelId: ModelRef.optional() }).strict(),
    RenderResult.nullable(),
    "The newest complete conditioning render of a shot; with modelId, the newest one made at that model's conditioning spec.",
  ),
  'synth.begin': call(
    ClipSetSize,
    z.object({ setId: z.uuid(), spec: ConditioningSpec }),
    "Start a set of synthetic training clips in the open project (<project>/training-clips/<stamp>/): size, length and rate as given (default 144x96, 49 frames at 8 fps), the default model's hand colours, shading and background.",
  ),
  'synth.clip': call(
    z.object({ setId: z.uuid(), meta: ClipMetaInput }).strict(),
    z.object({ clipId: z.uuid() }),
    "Start one clip of the set (its meta and prompt); the page then sends each frame (interaction, static, hands, mask RGBA) as binary to the render frame channel under the clip's id.",
  ),
  'synth.clipFinish': call(
    z.object({ clipId: z.uuid() }).strict(),
    ClipIndexEntry,
    "Close a clip's four videos and write its prompt and meta.",
  ),
  'synth.finish': call(
    z.object({ setId: z.uuid() }).strict(),
    z.object({ dir: z.string(), clips: z.int().min(1) }),
    'Write clips.json and move the finished set into place (path relative to the project).',
  ),
  'synth.abort': call(
    z.object({ setId: z.uuid() }).strict(),
    z.object({ aborted: z.boolean() }),
    'Cancel a clip set; nothing of it is kept.',
  ),
  'models.list': call(
    Empty,
    ModelList,
    'Installed model bundles (bundled and in the folders named in settings), and the invalid ones with why.',
  ),
  'models.validate': call(
    BundleFolder,
    BundleCheck,
    "Check a model bundle folder without loading its weights: the manifest, every file it names, and each ONNX graph's inputs and outputs (names, element types, ranks, fixed sizes) and external-data files against it. Also refuses an id another installed model has.",
  ),
  'models.add': call(
    BundleFolder,
    z.object({ model: ModelSummary, added: z.boolean() }),
    'Check a model bundle folder as models.validate does and, when it has no problem, add it to the modelFolders setting (added: false when it was installed already); a bundle with problems is refused (BAD_INPUT) with them all in the message.',
  ),
  'takes.list': call(
    z.object({ shotId: z.uuid().optional() }).strict(),
    z.object({ takes: z.array(TakeView), unreadable: z.array(z.object({ dir: z.string(), problem: z.string() })) }),
    "The open project's takes (of one shot when given), oldest first.",
  ),
  'takes.generate': call(
    z
      .object({
        shotId: z.uuid(),
        modelId: z.string().max(100).optional(),
        prompt: z.string().max(4000).optional(),
        negativePrompt: z.string().max(4000).optional(),
        seed: Seed.optional(),
        steps: z.int().min(1).max(1000).optional(),
        guidance: z.number().min(0).max(50).optional(),
        provider: ProviderChoice.optional(),
        /** Variations: this many takes with consecutive seeds. */
        count: z.int().min(1).max(64).default(1),
      })
      .strict(),
    z.array(TakeView),
    "Queue takes of a shot from its current conditioning videos; omitted settings come from the model's defaults.",
  ),
  'takes.cancel': call(TakeId, TakeView, 'Cancel a queued or running take (a running one stops within one denoising step).'),
  'takes.retry': call(TakeId, TakeView, 'Queue a failed or cancelled take again with the same settings.'),
  'takes.review': call(
    z
      .object({
        takeId: z.uuid(),
        name: z.string().trim().min(1).max(200).optional(),
        rating: TakeReview.shape.rating.optional(),
        flagged: z.boolean().optional(),
        tags: TakeReview.shape.tags.optional(),
        note: TakeReview.shape.note.optional(),
      })
      .strict(),
    TakeView,
    'Rename, rate (0-5), flag, tag or annotate a take.',
  ),
  'takes.trash': call(
    z.object({ takeIds: z.array(z.uuid()).min(1).max(1000) }).strict(),
    z.object({ trashed: z.array(z.uuid()) }),
    "Move takes to the project's trash (.trash/takes); takes.restore undoes it. Running takes must be cancelled first.",
  ),
  'takes.restore': call(
    z.object({ takeIds: z.array(z.uuid()).min(1).max(1000) }).strict(),
    z.array(TakeView),
    "Bring takes back from the project's trash.",
  ),
  'takes.reveal': call(
    TakeId,
    z.object({ revealed: z.boolean() }),
    "Show the take's video in the system file manager (desktop app; the web host answers UNSUPPORTED and the UI offers a download).",
  ),
  'export.takes': call(
    z
      .object({
        /** Chosen by the client, so it can cancel the export while it runs. */
        exportId: z.uuid(),
        format: z.enum(['lerobot', 'dwm', 'plain']),
        outDir: AbsPath.refine(isAbsolutePath, 'must be an absolute path'),
        /** These takes; or, when absent, every finished take that passes the filter. */
        takeIds: z.array(z.uuid()).min(1).max(10_000).optional(),
        filter: z
          .object({
            shotId: z.uuid().optional(),
            minRating: z.int().min(0).max(5).optional(),
            flaggedOnly: z.boolean().optional(),
            modelId: z.string().max(100).optional(),
          })
          .strict()
          .optional(),
        append: z.boolean().default(false),
      })
      .strict(),
    z.object({ outDir: z.string(), format: z.enum(['lerobot', 'dwm', 'plain']), takes: z.int().min(0) }),
    'Export finished takes as a LeRobot v3.0 dataset, the DWM reference layout, or plain MP4 + JSON; progress comes as task.progress (id = exportId); written to a temporary folder and moved into place when complete.',
  ),
  'export.cancel': call(
    z.object({ exportId: z.uuid() }).strict(),
    z.object({ cancelled: z.boolean() }),
    'Cancel a running export; nothing is written.',
  ),
  'takes.rerun': call(
    z.object({ takeId: z.uuid(), seed: Seed.optional() }).strict(),
    TakeView,
    "Queue a new take with another take's settings and conditioning, with the same seed or the one given.",
  ),
  'dialog.pickFile': call(
    z.object({ title: z.string().max(200), filter: z.enum(['scene']) }).strict(),
    z.object({ path: z.string().nullable() }),
    'Native file picker (Electron only; the web host answers UNSUPPORTED).',
  ),
  'dialog.pickFolder': call(
    z.object({ title: z.string().max(200), purpose: z.enum(['create', 'open']) }).strict(),
    z.object({ path: z.string().nullable() }),
    'Native folder picker (Electron only; the web host answers UNSUPPORTED).',
  ),
} as const;

export const events = {
  'project.status': ProjectStatus,
  /** Progress of a long operation (scene import for now), for the status bar. */
  'task.progress': z.object({
    id: z.string(),
    label: z.string(),
    /** 0..1, or null while the amount of work is unknown. */
    fraction: z.number().min(0).max(1).nullable(),
    done: z.boolean(),
  }),
  /** A take was queued, started, finished, failed or changed. */
  'take.updated': TakeView,
  /** A take was moved to the project's trash. */
  'take.removed': z.object({ takeId: z.uuid(), shotId: z.uuid().nullable() }),
  /** A running take's progress (step i of N, elapsed, ETA); not stored. */
  'take.progress': TakeProgress,
  /** A native menu item was chosen; the renderer runs the command. */
  'menu.command': z.object({ command: MenuCommand }),
} as const;

export type Calls = typeof calls;
export type CallName = keyof Calls;
export type CallInput<N extends CallName> = z.input<Calls[N]['input']>;
export type CallOutput<N extends CallName> = z.output<Calls[N]['output']>;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const callNames = Object.keys(calls) as CallName[];
export const eventNames = Object.keys(events) as EventName[];

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.hasOwn(calls, name);
}

/** What a transport delivers to the renderer: an event name and its payload. */
export type EventMessage = { [E in EventName]: { event: E; payload: EventPayload<E> } }[EventName];

/**
 * What a transport carries: raw envelopes one way, event messages the other. The preload
 * bridge exposes one over IPC; the renderer's web transport implements one over HTTP and
 * a WebSocket. Envelopes (not thrown errors) cross the bridge because errors lose their
 * fields when contextBridge clones them.
 */
export interface Transport {
  readonly kind: 'electron' | 'web';
  invoke(name: CallName, input: unknown): Promise<Envelope<unknown>>;
  /** Binary side channel for rendered frames (no base64): the static pass then the hand pass, RGBA. */
  sendRenderFrame(renderId: string, index: number, bytes: Uint8Array): Promise<Envelope<{ received: number }>>;
  subscribe(listener: (message: EventMessage) => void): () => void;
}

/** The typed client the renderer uses, whatever the transport (built from a Transport). */
export interface DwmApi {
  readonly transport: 'electron' | 'web';
  sendRenderFrame(renderId: string, index: number, bytes: Uint8Array): Promise<{ received: number }>;
  invoke<N extends CallName>(name: N, input: CallInput<N>): Promise<CallOutput<N>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export * from './wire';
