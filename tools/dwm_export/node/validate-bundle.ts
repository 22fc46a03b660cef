/**
 * The studio's own "Add model…" check (src/main/models/validate-bundle.ts: manifest, files, each
 * graph's inputs and outputs against it, without loading weights) on a bundle folder; prints
 * the problems as JSON (an empty list when the studio would add it).
 *
 * npx tsx tools/dwm_export/node/validate-bundle.ts BUNDLE_DIR
 */
import path from 'node:path';
import { validateBundle } from '../../../src/main/models/validate-bundle';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: validate-bundle.ts BUNDLE_DIR');
  process.exit(2);
}
const result = await validateBundle(path.resolve(dir));
console.log(JSON.stringify({ id: result.id, problems: result.problems }));
