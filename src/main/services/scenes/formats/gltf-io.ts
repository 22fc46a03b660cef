import { Logger, NodeIO } from '@gltf-transform/core';
import { ALL_EXTENSIONS } from '@gltf-transform/extensions';
import draco3d from 'draco3dgltf';
import { MeshoptDecoder } from 'meshoptimizer';

let ioPromise: Promise<NodeIO> | null = null;

/**
 * One reader for every glTF the studio sees: all extensions gltf-transform knows (Draco,
 * meshopt, KTX2/Basis, WebP, AVIF, …) and the two geometry decoders. The WASM decoders take
 * a moment to start, so the reader is built once and shared.
 */
export function gltfReader(): Promise<NodeIO> {
  if (!ioPromise) {
    ioPromise = (async () => {
      await MeshoptDecoder.ready;
      const io = new NodeIO()
        .setLogger(new Logger(Logger.Verbosity.ERROR))
        .registerExtensions(ALL_EXTENSIONS)
        .registerDependencies({
          'draco3d.decoder': await draco3d.createDecoderModule(),
          'meshopt.decoder': MeshoptDecoder,
        });
      return io;
    })();
    // A failed start must not stick: the next import tries again.
    ioPromise.catch(() => {
      ioPromise = null;
    });
  }
  return ioPromise;
}
