/// <reference lib="webworker" />
import { PLYLoader } from 'three/examples/jsm/loaders/PLYLoader.js';

/**
 * Downloads and parses a PLY file off the UI thread (a million-point scan takes seconds to
 * parse), reporting download progress, and hands back the attribute arrays as transferables.
 */
export interface PlyRequest {
  url: string;
}
export type PlyMessage =
  | { kind: 'progress'; fraction: number | null }
  | { kind: 'done'; attributes: Record<string, { array: Float32Array; itemSize: number }>; index: Uint32Array | null }
  | { kind: 'error'; message: string };

const post = (message: PlyMessage, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(message, transfer);

self.onmessage = async (event: MessageEvent<PlyRequest>) => {
  try {
    const response = await fetch(event.data.url, { credentials: 'same-origin' });
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status} ${await response.text().catch(() => '')}`);
    const total = Number(response.headers.get('Content-Length')) || 0;
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      post({ kind: 'progress', fraction: total ? received / total : null });
    }
    const bytes = new Uint8Array(received);
    let at = 0;
    for (const c of chunks) {
      bytes.set(c, at);
      at += c.length;
    }
    const geometry = new PLYLoader().parse(bytes.buffer);
    const attributes: Record<string, { array: Float32Array; itemSize: number }> = {};
    const transfer: Transferable[] = [];
    for (const [name, attribute] of Object.entries(geometry.attributes)) {
      const array = Float32Array.from(attribute.array as ArrayLike<number>);
      attributes[name] = { array, itemSize: attribute.itemSize };
      transfer.push(array.buffer);
    }
    const index = geometry.index ? Uint32Array.from(geometry.index.array as ArrayLike<number>) : null;
    if (index) transfer.push(index.buffer);
    post({ kind: 'done', attributes, index }, transfer);
  } catch (err) {
    post({ kind: 'error', message: (err as Error).message });
  }
};
