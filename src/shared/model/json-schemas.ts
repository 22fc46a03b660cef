import { z } from 'zod';
import { ModelManifest } from './manifest';
import { TakeRecord } from './take';

/** JSON Schemas for bundle authors and dataset tools, generated from the zod schemas (docs/*.schema.json). */
export function jsonSchemas(): Record<string, unknown> {
  return {
    'model-bundle.schema.json': {
      $id: 'https://dwm-studio.local/schemas/model-bundle.schema.json',
      title: 'DWM Studio model bundle manifest (manifest.json)',
      ...z.toJSONSchema(ModelManifest, { io: 'input', unrepresentable: 'any' }),
    },
    'take.schema.json': {
      $id: 'https://dwm-studio.local/schemas/take.schema.json',
      title: 'DWM Studio take record (take.json)',
      ...z.toJSONSchema(TakeRecord, { io: 'output', unrepresentable: 'any' }),
    },
  };
}
