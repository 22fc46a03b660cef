import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { viteStaticCopy } from 'vite-plugin-static-copy';

// three.js decoders for Draco meshes and KTX2/Basis textures, served by the app itself so
// nothing is ever fetched from a CDN (the CSP would refuse it anyway).
const decoders = [
  { src: 'node_modules/three/examples/jsm/libs/draco/gltf/*', dest: 'decoders/draco' },
  { src: 'node_modules/three/examples/jsm/libs/basis/basis_transcoder.*', dest: 'decoders/basis' },
  // The posable hand meshes (WebXR generic hand, MIT), also shipped in resources/.
  { src: 'resources/hands/*.glb', dest: 'hands' },
];

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // The pipeline runs in its own process (utilityProcess), so its entry is built beside index.js.
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          'pipeline-worker': resolve(__dirname, 'src/main/generation/pipeline-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // Sandboxed preload scripts cannot load ES modules or node_modules: one CommonJS bundle.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [react(), viteStaticCopy({ targets: decoders.map((d) => ({ ...d, src: resolve(__dirname, d.src) })) })],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
      chunkSizeWarningLimit: 2000,
    },
  },
});
