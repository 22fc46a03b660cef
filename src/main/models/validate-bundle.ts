import { promises as fs } from 'node:fs';
import path from 'node:path';
import { formatIssuePath } from '../../shared/api/errors';
import { MANIFEST_FILE, ModelManifest } from '../../shared/model/manifest';
import { readJsonFile } from '../services/json-file';
import { loadBundle, type ModelBundle } from './bundle';
import { GRAPH_NAMES, listNames, signatureProblems, tensorProblems } from './graph-signature';
import { OnnxFormatError, readOnnxGraphIO } from './onnx-io';

/** Every problem found in a bundle folder, each naming the file it is in (relative to the folder). */
export interface BundleValidation {
  dir: string;
  /** The manifest's id, when it has one. */
  id: string | null;
  problems: string[];
  /** The usable bundle, when there is no problem. */
  bundle: ModelBundle | null;
}

/**
 * Check a bundle folder as far as can be done without loading a weight: the manifest parses
 * and validates, every file it names is there, and each ONNX graph's declared inputs and
 * outputs (names, element types, ranks and fixed sizes) and external-data files fit it.
 * Unlike loadBundle (discovery, which stops at the first problem), this collects them all, so
 * a bundle author can fix everything in one go.
 */
export async function validateBundle(dirIn: string): Promise<BundleValidation> {
  const dir = path.resolve(dirIn);
  const result = (problems: string[], id: string | null = null): BundleValidation => ({ dir, id, problems, bundle: null });
  const stat = await fs.stat(dir).catch(() => null);
  if (!stat) return result([`${dir}: folder not found`]);
  if (!stat.isDirectory()) return result([`${dir}: not a folder (a model bundle is a folder with a ${MANIFEST_FILE})`]);

  const read = await readJsonFile(path.join(dir, MANIFEST_FILE)).catch((err: Error) => ({ kind: 'error' as const, message: err.message }));
  if (read.kind === 'missing') return result([`${MANIFEST_FILE}: not found (a model bundle is a folder with a ${MANIFEST_FILE})`]);
  if (read.kind === 'error' || read.kind === 'unparsable') return result([`${MANIFEST_FILE}: ${read.message}`]);
  const rawId = (read.value as { id?: unknown } | null)?.id;
  const id = typeof rawId === 'string' ? rawId : null;
  const parsed = ModelManifest.safeParse(read.value);
  if (!parsed.success) {
    return result(
      parsed.error.issues.map((issue) => {
        const where = formatIssuePath(issue.path);
        return `${MANIFEST_FILE}: ${where ? `${where}: ` : ''}${issue.message}`;
      }),
      id,
    );
  }
  const m = parsed.data;

  const problems = await missingFiles(dir, m);
  for (const name of GRAPH_NAMES) {
    const spec = m.graphs[name];
    if (!spec || !(await isFile(path.join(dir, spec.file)))) continue;
    problems.push(...(await graphProblems(dir, m, name)));
  }
  if (problems.length) return result(problems, m.id);
  // The same ModelBundle discovery would make (named files, their total size).
  const load = await loadBundle(dir);
  if (!load.ok) return result([load.invalid.problem], m.id);
  return { dir, id: m.id, problems: [], bundle: load.bundle };
}

/** Files the manifest names that are not there, by the field that names them. */
async function missingFiles(dir: string, m: ModelManifest): Promise<string[]> {
  const named: [field: string, file: string][] = [];
  for (const name of GRAPH_NAMES) {
    const g = m.graphs[name];
    if (!g) continue;
    named.push([`graphs.${name}.file`, g.file]);
    for (const extra of g.externalData) named.push([`graphs.${name}.externalData`, extra]);
  }
  if (m.tokenizer) {
    named.push(['tokenizer.file', m.tokenizer.file]);
    if (m.tokenizer.config) named.push(['tokenizer.config', m.tokenizer.config]);
  }
  const problems: string[] = [];
  for (const [field, file] of named) {
    const stat = await fs.stat(path.join(dir, file)).catch(() => null);
    if (!stat) problems.push(`${MANIFEST_FILE}: ${field} "${file}" is missing`);
    else if (!stat.isFile()) problems.push(`${MANIFEST_FILE}: ${field} "${file}" is not a file`);
  }
  return problems;
}

async function graphProblems(dir: string, m: ModelManifest, name: (typeof GRAPH_NAMES)[number]): Promise<string[]> {
  const spec = m.graphs[name];
  if (!spec) return [];
  const file = spec.file;
  let io: Awaited<ReturnType<typeof readOnnxGraphIO>>;
  try {
    io = await readOnnxGraphIO(path.join(dir, file));
  } catch (err) {
    if (err instanceof OnnxFormatError) return [`${file}: ${err.message}`];
    return [`${file}: cannot be read (${(err as Error).message})`];
  }
  const problems: string[] = [];
  // External data is named relative to the graph's folder; the manifest lists it relative to the bundle.
  const graphDir = path.posix.dirname(file);
  for (const location of io.externalData) {
    const rel = path.posix.normalize(path.posix.join(graphDir, location.replaceAll('\\', '/')));
    if (path.posix.isAbsolute(location) || rel.startsWith('../') || rel === '..') {
      problems.push(`${file}: keeps weights in "${location}", outside the bundle folder`);
    } else if (!(await isFile(path.join(dir, rel)))) {
      problems.push(`${file}: keeps weights in "${location}", which is missing`);
    } else if (!spec.externalData.includes(rel)) {
      problems.push(`${file}: keeps weights in "${location}", which ${MANIFEST_FILE} graphs.${name}.externalData does not list`);
    }
  }
  const naming = signatureProblems(m, name, io);
  if (naming.length) {
    const declared = `graph inputs: ${listNames(io.inputs.map((t) => t.name))}; outputs: ${listNames(io.outputs.map((t) => t.name))}`;
    problems.push(...naming.map((p) => `${file}: ${p} (${declared})`));
  }
  problems.push(...tensorProblems(m, name, io).map((p) => `${file}: ${p}`));
  return problems;
}

async function isFile(file: string): Promise<boolean> {
  return (await fs.stat(file).catch(() => null))?.isFile() ?? false;
}
