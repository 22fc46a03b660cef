import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleHash, loadBundle } from '../../../src/main/models/bundle';
import { discoverModels, resolveModel } from '../../../src/main/models/model-registry';
import { jsonSchemas } from '../../../src/shared/model/json-schemas';
import { conditioningChannels, latentShape, ModelManifest } from '../../../src/shared/model/manifest';
import { BASELINE_BUNDLE, bundleAt, copyBundle, TINY_BUNDLE, tempDir } from '../pipeline/helpers';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('bundles');
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function manifestOf(bundleDir: string): Promise<Record<string, unknown>> {
  return JSON.parse(await fs.readFile(path.join(bundleDir, 'manifest.json'), 'utf8'));
}

describe('manifest schema', () => {
  it('accepts the bundled baseline and the tiny test bundle, and derives their latent shapes', async () => {
    const baseline = ModelManifest.parse(await manifestOf(BASELINE_BUNDLE));
    expect(baseline).toMatchObject({ id: 'dwm-baseline-overlay', baseline: true, uses: { prompt: false } });
    expect(latentShape(baseline)).toEqual([3, 49, 480, 720]);
    expect(conditioningChannels(baseline)).toBe(6);
    const tiny = ModelManifest.parse(await manifestOf(TINY_BUNDLE));
    expect(latentShape(tiny)).toEqual([4, 3, 6, 8]);
    expect(conditioningChannels(tiny)).toBe(9);
  });

  it('refuses a model that uses the prompt without a text encoder, naming the field', async () => {
    const m = await manifestOf(TINY_BUNDLE);
    delete (m.graphs as Record<string, unknown>).textEncoder;
    const r = ModelManifest.safeParse(m);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['uses', 'prompt']);
  });

  it('refuses a frame count the VAE cannot compress, and paths that leave the bundle', async () => {
    const m = await manifestOf(TINY_BUNDLE);
    const r = ModelManifest.safeParse({ ...m, conditioning: { ...(m.conditioning as object), frames: 10 } });
    expect(r.error?.issues.map((i) => i.message).join()).toMatch(/multiple of latent.temporalCompression \(4\)/);
    const graphs = m.graphs as Record<string, { file: string }>;
    const leaving = ModelManifest.safeParse({ ...m, graphs: { ...graphs, denoiser: { ...graphs.denoiser, file: '../x.onnx' } } });
    expect(leaving.success).toBe(false);
  });

  it('has committed JSON Schemas that match the zod schemas (npm run schemas)', async () => {
    for (const [file, schema] of Object.entries(jsonSchemas())) {
      const committed = JSON.parse(await fs.readFile(path.resolve(import.meta.dirname, '../../../docs', file), 'utf8'));
      expect(committed, `docs/${file} is stale: run npm run schemas`).toEqual(JSON.parse(JSON.stringify(schema)));
    }
  });
});

describe('bundle loading and discovery', () => {
  it('names a graph file the manifest lists but the folder lacks', async () => {
    const broken = await copyBundle(TINY_BUNDLE, path.join(dir, 'missing-graph'));
    await fs.rm(path.join(broken, 'denoiser.onnx'));
    const load = await loadBundle(broken);
    expect(load.ok).toBe(false);
    if (!load.ok)
      expect(load.invalid).toMatchObject({
        id: 'tiny-random',
        problem: `${path.join(broken, 'denoiser.onnx')}: named in manifest.json but missing`,
      });
  });

  it('names the field of an invalid manifest and the line of an unparsable one', async () => {
    const bad = await copyBundle(TINY_BUNDLE, path.join(dir, 'bad-field'));
    const m = await manifestOf(bad);
    await fs.writeFile(path.join(bad, 'manifest.json'), JSON.stringify({ ...m, defaults: { ...(m.defaults as object), steps: 0 } }));
    const load = await loadBundle(bad);
    expect(!load.ok && load.invalid.problem).toMatch(/manifest\.json: defaults\.steps: /);
    const broken = await copyBundle(TINY_BUNDLE, path.join(dir, 'bad-json'));
    await fs.writeFile(path.join(broken, 'manifest.json'), '{\n  "id": "x",\n  oops\n}');
    const load2 = await loadBundle(broken);
    expect(!load2.ok && load2.invalid.problem).toMatch(/not valid JSON at line 3/);
  });

  it('lists usable bundles and the invalid ones with why; the first of two equal ids wins', async () => {
    const root = path.join(dir, 'root');
    await copyBundle(TINY_BUNDLE, path.join(root, 'a-tiny'));
    await copyBundle(TINY_BUNDLE, path.join(root, 'b-tiny-again'));
    await fs.mkdir(path.join(root, 'c-empty'));
    const listing = await discoverModels([BASELINE_BUNDLE, root, path.join(dir, 'nowhere')]);
    expect(listing.models.map((m) => m.manifest.id)).toEqual(['dwm-baseline-overlay', 'tiny-random']);
    const problems = listing.invalid.map((i) => i.problem).join('\n');
    expect(problems).toMatch(/b-tiny-again: model id "tiny-random" is already provided by .*a-tiny/);
    expect(problems).toMatch(/c-empty.manifest\.json: not found/);
    expect(problems).toMatch(/nowhere: folder not found/);
    await expect(resolveModel([root], 'nope')).rejects.toThrow(/no model "nope" \(installed: tiny-random\)/);
    expect((await resolveModel([root], path.join(root, 'a-tiny'))).manifest.id).toBe('tiny-random');
  });

  it('hashes the bundle content: stable, and different when a graph changes', async () => {
    const copy = await copyBundle(TINY_BUNDLE, path.join(dir, 'hash'));
    const before = await bundleHash(await bundleAt(copy));
    expect(await bundleHash(await bundleAt(copy))).toBe(before);
    expect(await bundleHash(await bundleAt(TINY_BUNDLE))).toBe(before);
    const file = path.join(copy, 'denoiser.onnx');
    const bytes = await fs.readFile(file);
    bytes.writeUInt8((bytes.at(-1) ?? 0) ^ 1, bytes.length - 1);
    await fs.writeFile(file, bytes);
    expect(await bundleHash(await bundleAt(copy))).not.toBe(before);
  });
});
