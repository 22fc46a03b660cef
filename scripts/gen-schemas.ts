// Writes the JSON Schemas of the files other tools read or write (model bundle manifests,
// take.json) from the zod schemas that are their one source of truth. `npm run schemas`;
// a unit test fails when the committed files are out of date.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonSchemas } from '../src/shared/model/json-schemas';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
for (const [file, schema] of Object.entries(jsonSchemas())) {
  writeFileSync(path.join(root, 'docs', file), `${JSON.stringify(schema, null, 2)}\n`);
  process.stdout.write(`wrote docs/${file}\n`);
}
