import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { addModelFolder, inspectBundle } from '../../../src/main/models/add-model';
import { discoverModels } from '../../../src/main/models/model-registry';
import { validateBundle } from '../../../src/main/models/validate-bundle';
import { SettingsStore } from '../../../src/main/services/settings-store';
import { ApiError } from '../../../src/shared/api/errors';
import type { ModelManifest } from '../../../src/shared/model/manifest';
import { BASELINE_BUNDLE, copyBundle, TINY_BUNDLE, tempDir } from '../pipeline/helpers';
import { FLOAT, onnxModel } from './onnx-bytes';

/**
 * Checking a bundle folder before it is added, without loading a weight: each broken copy of
 * the tiny bundle must be refused with a message naming the file and the problem.
 */

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await tempDir('validate');
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** A fresh copy of the tiny bundle, its manifest changed by `edit`. */
async function tinyCopy(edit: (m: z.input<typeof ModelManifest>) => void = () => {}): Promise<string> {
  const copy = await copyBundle(TINY_BUNDLE, path.join(dir, `tiny-${++n}`));
  const file = path.join(copy, 'manifest.json');
  const manifest = JSON.parse(await fs.readFile(file, 'utf8'));
  edit(manifest);
  await fs.writeFile(file, JSON.stringify(manifest, null, 2));
  return copy;
}

describe('validateBundle', () => {
  it('passes the tiny bundle and the bundled baseline, and returns the bundle as discovery would', async () => {
    for (const bundleDir of [TINY_BUNDLE, BASELINE_BUNDLE]) {
      const v = await validateBundle(bundleDir);
      expect(v.problems, bundleDir).toEqual([]);
      const found = (await discoverModels([bundleDir])).models[0];
      expect(v.bundle).toEqual(found);
    }
  });

  it('names a graph the manifest lists but the folder lacks, by its manifest field', async () => {
    const copy = await tinyCopy();
    await fs.rm(path.join(copy, 'denoiser.onnx'));
    const v = await validateBundle(copy);
    expect(v).toMatchObject({ id: 'tiny-random', bundle: null });
    expect(v.problems).toEqual(['manifest.json: graphs.denoiser.file "denoiser.onnx" is missing']);
  });

  it('names missing external-data and tokenizer files', async () => {
    const copy = await tinyCopy((m) => {
      m.graphs.denoiser.externalData = ['denoiser.onnx.data'];
    });
    await fs.rm(path.join(copy, 'tokenizer', 'tokenizer_config.json'));
    expect((await validateBundle(copy)).problems).toEqual([
      'manifest.json: graphs.denoiser.externalData "denoiser.onnx.data" is missing',
      'manifest.json: tokenizer.config "tokenizer/tokenizer_config.json" is missing',
    ]);
  });

  it('names an input the manifest renamed, with the inputs the graph does have', async () => {
    const copy = await tinyCopy((m) => {
      m.graphs.denoiser.inputs.sample = 'latents';
    });
    const detail = '(graph inputs: "hidden_states", "timestep", "encoder_hidden_states"; outputs: "prediction")';
    expect((await validateBundle(copy)).problems).toEqual([
      `denoiser.onnx: the manifest feeds "latents" but the graph has no such input ${detail}`,
      `denoiser.onnx: the graph needs "hidden_states" which the manifest does not name ${detail}`,
    ]);
  });

  it('names a timestep whose element type differs from timestepType', async () => {
    const copy = await tinyCopy((m) => {
      m.timestepType = 'float32';
    });
    expect((await validateBundle(copy)).problems).toEqual([
      'denoiser.onnx: input "timestep" is int64, manifest says float32 (timestepType)',
    ]);
  });

  it('names fixed sizes that contradict the manifest: latent channels and the conditioning layout', async () => {
    const copy = await tinyCopy((m) => {
      m.latent.channels = 8;
    });
    expect((await validateBundle(copy)).problems).toEqual([
      'vae_encoder.onnx: output "latent" has 4 at axis 1 (channels), manifest says 8 (latent.channels)',
      'denoiser.onnx: input hidden_states has 13 channels (axis 2 of BFCHW) but latent.channels plus conditioningLayout give 25 (graph inputs: "hidden_states", "timestep", "encoder_hidden_states"; outputs: "prediction")',
      'denoiser.onnx: output "prediction" has 4 at axis 2 (channels), manifest says 8 (latent.channels)',
      'vae_decoder.onnx: input "latent" has 4 at axis 1 (channels), manifest says 8 (latent.channels)',
    ]);
  });

  it('names a graph file that is not ONNX', async () => {
    const copy = await tinyCopy();
    await fs.writeFile(path.join(copy, 'vae_decoder.onnx'), 'not a model');
    expect((await validateBundle(copy)).problems).toEqual([
      expect.stringMatching(/^vae_decoder\.onnx: not an ONNX model \(unreadable protobuf at byte 0: wire type 6\)$/),
    ]);
  });

  it('names element types and ranks the pipeline cannot feed or read', async () => {
    const copy = await tinyCopy();
    await fs.writeFile(
      path.join(copy, 'vae_encoder.onnx'),
      onnxModel({
        inputs: [{ name: 'video', elemType: 10, dims: ['batch', 3, 'height', 'width'] }],
        outputs: [{ name: 'latent', elemType: FLOAT, dims: ['batch', 4, 'f', 6, 8] }],
      }),
    );
    expect((await validateBundle(copy)).problems).toEqual([
      'vae_encoder.onnx: input "video" is float16, the pipeline feeds float32',
      'vae_encoder.onnx: input "video" has 4 dimensions, the pipeline feeds 5 ([batch, colour channels, frames, height, width])',
    ]);
  });

  it('names weights kept in a file that is missing, then one the manifest does not list', async () => {
    const copy = await tinyCopy();
    await fs.writeFile(
      path.join(copy, 'vae_decoder.onnx'),
      onnxModel({
        initializers: [{ name: 'w', external: 'vae_decoder.weights' }],
        inputs: [{ name: 'latent', elemType: FLOAT, dims: ['batch', 4, 'f', 'h', 'w'] }],
        outputs: [{ name: 'video', elemType: FLOAT, dims: ['batch', 3, 'frames', 48, 64] }],
      }),
    );
    expect((await validateBundle(copy)).problems).toEqual(['vae_decoder.onnx: keeps weights in "vae_decoder.weights", which is missing']);
    await fs.writeFile(path.join(copy, 'vae_decoder.weights'), new Uint8Array(16));
    expect((await validateBundle(copy)).problems).toEqual([
      'vae_decoder.onnx: keeps weights in "vae_decoder.weights", which manifest.json graphs.vaeDecoder.externalData does not list',
    ]);
    const manifestFile = path.join(copy, 'manifest.json');
    const m = JSON.parse(await fs.readFile(manifestFile, 'utf8'));
    m.graphs.vaeDecoder.externalData = ['vae_decoder.weights'];
    await fs.writeFile(manifestFile, JSON.stringify(m));
    const v = await validateBundle(copy);
    expect(v.problems).toEqual([]);
    expect(v.bundle?.files).toContain('vae_decoder.weights');
  });

  it('lists every invalid manifest field at once, and names a missing or unparsable manifest', async () => {
    const copy = await tinyCopy((m) => {
      m.defaults.steps = 0;
      m.conditioning.width = 63;
    });
    const problems = (await validateBundle(copy)).problems;
    expect(problems).toContainEqual(expect.stringMatching(/^manifest\.json: defaults\.steps: /));
    expect(problems).toContainEqual(expect.stringMatching(/^manifest\.json: conditioning\.width: /));
    await fs.writeFile(path.join(copy, 'manifest.json'), '{\n  "id": "x",\n  oops\n}');
    expect((await validateBundle(copy)).problems).toEqual([expect.stringMatching(/^manifest\.json: not valid JSON at line 3/)]);
    await fs.rm(path.join(copy, 'manifest.json'));
    expect((await validateBundle(copy)).problems).toEqual(['manifest.json: not found (a model bundle is a folder with a manifest.json)']);
    expect((await validateBundle(path.join(dir, 'nowhere'))).problems).toEqual([`${path.join(dir, 'nowhere')}: folder not found`]);
  });
});

describe('adding a model folder', () => {
  it('adds a valid bundle to the settings once, refuses an id another model has, and a broken bundle with all its problems', async () => {
    const settings = new SettingsStore(path.join(dir, 'home'));
    await settings.load();
    const roots = () => [TINY_BUNDLE, ...settings.get().modelFolders];

    const copy = await tinyCopy((m) => {
      m.id = 'tiny-copy';
      m.name = 'Tiny copy';
    });
    const first = await addModelFolder(copy, await discoverModels(roots()), settings);
    expect(first.added).toBe(true);
    expect(first.bundle.manifest.id).toBe('tiny-copy');
    expect(settings.get().modelFolders).toEqual([copy]);
    expect((await discoverModels(roots())).models.map((m) => m.manifest.id)).toEqual(['tiny-random', 'tiny-copy']);
    // Again: already installed, nothing added.
    const again = await addModelFolder(copy, await discoverModels(roots()), settings);
    expect(again.added).toBe(false);
    expect(settings.get().modelFolders).toEqual([copy]);

    const sameId = await tinyCopy();
    const inspection = await inspectBundle(sameId, await discoverModels(roots()));
    expect(inspection.problems).toEqual([
      `manifest.json: id "tiny-random" is already used by the installed model "Tiny random (test fixture)" (${TINY_BUNDLE}); give this bundle another id`,
    ]);

    const broken = await tinyCopy((m) => {
      m.id = 'tiny-broken';
      m.timestepType = 'float32';
    });
    await fs.rm(path.join(broken, 'vae_encoder.onnx'));
    const err = await addModelFolder(broken, await discoverModels(roots()), settings).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('BAD_INPUT');
    expect((err as ApiError).message).toBe(
      `${broken} cannot be added as a model: manifest.json: graphs.vaeEncoder.file "vae_encoder.onnx" is missing; denoiser.onnx: input "timestep" is int64, manifest says float32 (timestepType)`,
    );
    expect(settings.get().modelFolders).toEqual([copy]);
  });
});
