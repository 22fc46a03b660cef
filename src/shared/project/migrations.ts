import { z } from 'zod';
import {
  CURRENT_SCHEMA_VERSION,
  DEFAULT_SHOT,
  type ProjectDocument,
  ProjectDocument as ProjectDocumentSchema,
  ProjectV1,
  ProjectV2,
  ProjectV3,
  ProjectV4,
} from './schema';

/**
 * A step upgrades a validated document of version N to version N+1. Steps are pure and
 * take the app version and an id factory as arguments, so tests can pin them.
 */
interface MigrationContext {
  appVersion: string;
  newId: () => string;
}

type Step = { from: number; schema: z.ZodType; up: (doc: unknown, ctx: MigrationContext) => unknown };

const steps: Step[] = [
  {
    from: 1,
    schema: ProjectV1,
    up: (raw, ctx) => {
      const doc = raw as ProjectV1;
      const created = new Date(doc.created);
      const createdAt = Number.isNaN(created.getTime()) ? new Date(0).toISOString() : created.toISOString();
      return {
        schemaVersion: 2,
        id: ctx.newId(),
        name: doc.title.trim() === '' ? 'Untitled project' : doc.title,
        createdAt,
        modifiedAt: createdAt,
        appVersion: ctx.appVersion,
        shotDefaults: { ...DEFAULT_SHOT },
        notes: '',
      };
    },
  },
  {
    from: 2,
    schema: ProjectV2,
    up: (raw) => ({ ...(raw as ProjectV2), schemaVersion: 3, scenes: [], activeSceneId: null }),
  },
  {
    from: 3,
    schema: ProjectV3,
    up: (raw) => ({ ...(raw as ProjectV3), schemaVersion: 4, shots: [], activeShotId: null }),
  },
  {
    // Schema 5 only adds the optional Shot.conditioning; a v4 document is a valid v5 one.
    from: 4,
    schema: ProjectV4,
    up: (raw) => ({ ...(raw as ProjectV4), schemaVersion: 5 }),
  },
];

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly field: string,
    readonly issues?: z.core.$ZodIssue[],
    readonly atVersion?: number,
  ) {
    super(message);
  }
}

const VersionProbe = z.object({ schemaVersion: z.int().min(1) });

export interface MigrationResult {
  document: ProjectDocument;
  /** The version the file had before migration; equal to the current one when nothing changed. */
  fromVersion: number;
}

/** Validate any known project.json version and bring it to the current schema. */
export function migrateProject(raw: unknown, ctx: MigrationContext): MigrationResult {
  const probe = VersionProbe.safeParse(raw);
  if (!probe.success) {
    throw new MigrationError('missing or invalid "schemaVersion" (expected a whole number from 1)', 'schemaVersion', probe.error.issues);
  }
  const fromVersion = probe.data.schemaVersion;
  if (fromVersion > CURRENT_SCHEMA_VERSION) {
    throw new MigrationError(
      `was written by a newer DWM Studio (schema ${fromVersion}; this build reads up to ${CURRENT_SCHEMA_VERSION})`,
      'schemaVersion',
    );
  }
  let doc: unknown = raw;
  for (let v = fromVersion; v < CURRENT_SCHEMA_VERSION; v++) {
    const step = steps.find((s) => s.from === v);
    if (!step) throw new MigrationError(`has schema ${v}, which no migration reads`, 'schemaVersion');
    const parsed = step.schema.safeParse(doc);
    if (!parsed.success) throw new MigrationError(`is not a valid schema ${v} project`, '', parsed.error.issues, v);
    doc = step.up(parsed.data, ctx);
  }
  const parsed = ProjectDocumentSchema.safeParse(doc);
  if (!parsed.success) {
    throw new MigrationError(`is not a valid project`, '', parsed.error.issues, CURRENT_SCHEMA_VERSION);
  }
  return { document: parsed.data, fromVersion };
}
