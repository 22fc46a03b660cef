import { SplatMesh } from '@sparkjsdev/spark';
import * as THREE from 'three';
import { MeshoptDecoder } from 'three/examples/jsm/libs/meshopt_decoder.module.js';
import { DRACOLoader } from 'three/examples/jsm/loaders/DRACOLoader.js';
import { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js';
import { KTX2Loader } from 'three/examples/jsm/loaders/KTX2Loader.js';
import { MTLLoader } from 'three/examples/jsm/loaders/MTLLoader.js';
import { OBJLoader } from 'three/examples/jsm/loaders/OBJLoader.js';
import type { SceneAsset } from '../../../shared/scene/schema';
import { mediaUrl } from './media-url';
import type { PlyMessage, PlyRequest } from './ply-parse.worker';

export type Progress = (fraction: number | null) => void;

let dracoLoader: DRACOLoader | null = null;
let ktx2Loader: KTX2Loader | null = null;

/** Decoders are created once and shared; Draco and Basis decode in web workers, off the UI thread. */
function gltfLoader(renderer: THREE.WebGLRenderer): GLTFLoader {
  if (!dracoLoader) {
    dracoLoader = new DRACOLoader().setDecoderPath('/decoders/draco/');
    dracoLoader.setWorkerLimit(2);
  }
  if (!ktx2Loader) ktx2Loader = new KTX2Loader().setTranscoderPath('/decoders/basis/').detectSupport(renderer);
  return new GLTFLoader().setDRACOLoader(dracoLoader).setKTX2Loader(ktx2Loader).setMeshoptDecoder(MeshoptDecoder);
}

function onXhrProgress(progress: Progress) {
  return (e: ProgressEvent) => progress(e.lengthComputable && e.total > 0 ? e.loaded / e.total : null);
}

function folderOf(file: string): string {
  const i = file.lastIndexOf('/');
  return i < 0 ? '' : file.slice(0, i + 1);
}

/**
 * Load an imported scene into a three.js object, in the file's own units and axes (the
 * caller applies the placement). Meshes keep their materials; point clouds get a points
 * material with their vertex colours; Gaussian splats render through Spark.
 */
export async function loadSceneObject(asset: SceneAsset, renderer: THREE.WebGLRenderer, progress: Progress): Promise<THREE.Object3D> {
  const url = mediaUrl(asset.file);
  switch (asset.format) {
    case 'glb':
    case 'gltf': {
      const gltf = await gltfLoader(renderer).loadAsync(url, onXhrProgress(progress));
      return gltf.scene;
    }
    case 'obj': {
      const base = mediaUrl(folderOf(asset.file));
      const mtlFile = asset.files.find((f) => f.toLowerCase().endsWith('.mtl'));
      const loader = new OBJLoader();
      if (mtlFile) {
        const materials = await new MTLLoader().setResourcePath(base).loadAsync(mediaUrl(mtlFile));
        materials.preload();
        loader.setMaterials(materials);
      }
      const object = await loader.loadAsync(url, onXhrProgress(progress));
      object.name = asset.name;
      return object;
    }
    case 'ply-mesh':
    case 'ply-points': {
      const geometry = await parsePlyInWorker(url, progress);
      const hasColour = geometry.hasAttribute('color');
      if (asset.format === 'ply-points') {
        const extent = Math.max(...asset.bounds.max.map((v, i) => v - (asset.bounds.min[i] as number)));
        const material = new THREE.PointsMaterial({ size: Math.max(extent / 300, 1e-4), vertexColors: hasColour, sizeAttenuation: true });
        const points = new THREE.Points(geometry, material);
        points.name = asset.name;
        return points;
      }
      if (!geometry.hasAttribute('normal')) geometry.computeVertexNormals();
      const material = new THREE.MeshStandardMaterial({ vertexColors: hasColour, roughness: 0.8, side: THREE.DoubleSide });
      const mesh = new THREE.Mesh(geometry, material);
      mesh.name = asset.name;
      return mesh;
    }
    case 'ply-gaussians':
    case 'splat':
    case 'spz': {
      progress(null);
      const fileType = asset.format === 'ply-gaussians' ? 'ply' : asset.format;
      const mesh = new SplatMesh({ url, fileType: fileType as never, fileName: asset.file.split('/').pop() ?? 'scene' });
      await mesh.initialized;
      mesh.name = asset.name;
      return mesh;
    }
  }
}

/** PLY scans can hold millions of points: download and parse them in a worker, not on the UI thread. */
function parsePlyInWorker(url: string, progress: Progress): Promise<THREE.BufferGeometry> {
  const worker = new Worker(new URL('./ply-parse.worker.ts', import.meta.url), { type: 'module' });
  return new Promise<THREE.BufferGeometry>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<PlyMessage>) => {
      const message = event.data;
      if (message.kind === 'progress') return progress(message.fraction);
      worker.terminate();
      if (message.kind === 'error') return reject(new Error(message.message));
      const geometry = new THREE.BufferGeometry();
      for (const [name, a] of Object.entries(message.attributes))
        geometry.setAttribute(name, new THREE.BufferAttribute(a.array, a.itemSize));
      if (message.index) geometry.setIndex(new THREE.BufferAttribute(message.index, 1));
      resolve(geometry);
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(e.message || 'the PLY parser worker failed'));
    };
    worker.postMessage({ url: new URL(url, location.href).href } satisfies PlyRequest);
  });
}

/** Free GPU memory of a scene that is no longer shown. */
export function disposeObject(object: THREE.Object3D): void {
  object.traverse((node) => {
    const mesh = node as THREE.Mesh;
    mesh.geometry?.dispose();
    const materials = Array.isArray(mesh.material) ? mesh.material : mesh.material ? [mesh.material] : [];
    for (const m of materials) {
      for (const value of Object.values(m)) if (value instanceof THREE.Texture) value.dispose();
      m.dispose();
    }
  });
  if ('dispose' in object && typeof object.dispose === 'function') (object as { dispose: () => void }).dispose();
}

/** Triangles and points an object draws, for the viewport's stats. */
export function countPrimitives(object: THREE.Object3D): { triangles: number; points: number } {
  let triangles = 0;
  let points = 0;
  object.traverse((node) => {
    const mesh = node as THREE.Mesh;
    if (!mesh.geometry) return;
    const g = mesh.geometry;
    const count = g.index ? g.index.count : (g.getAttribute('position')?.count ?? 0);
    if ((node as THREE.Points).isPoints) points += count;
    else if (mesh.isMesh) triangles += Math.floor(count / 3);
  });
  return { triangles, points };
}
