import type { Object3D } from 'three';
import { create } from 'zustand';

/** Loading state of one scene in the viewport. */
export type SceneLoad =
  | { state: 'loading'; fraction: number | null }
  | { state: 'ready'; object: Object3D; loadMs: number; triangles: number; points: number }
  | { state: 'error'; message: string };

/**
 * Viewport state that is not part of the document (it is never saved or undone): what is
 * loaded, the selection, the navigation mode, hidden nodes and the live stats.
 */
interface ViewportState {
  loads: Record<string, SceneLoad>;
  selectedSceneId: string | null;
  navigation: 'orbit' | 'fly';
  /** Increments to ask the viewport to frame everything visible. */
  frameRequest: number;
  /** uuid of three.js nodes the user hid in the outline. */
  hiddenNodes: Record<string, true>;
  fps: number;
  frameMs: number;
  /** Increments to ask the viewport to time a burst of frames. */
  measureRequest: number;
  /** The viewport camera's pose now, or null before the viewport exists (set by the canvas). */
  cameraPose: () => { position: [number, number, number]; rotation: [number, number, number, number]; fovY: number } | null;
  setCameraPose(get: ViewportState['cameraPose']): void;
  /** Look through the shot's camera instead of the free viewport camera. */
  lookThrough: boolean;
  setLookThrough(on: boolean): void;
  /** What the gizmos on the shot camera and wrists do. */
  gizmoMode: 'translate' | 'rotate';
  /** A click in the viewport picks a surface point for this (Escape cancels). */
  pickMode: null | 'snap-wrist' | 'grasp-point';
  setPickMode(mode: null | 'snap-wrist' | 'grasp-point'): void;
  /** What the gizmo is attached to. */
  gizmoTarget: 'camera' | 'left' | 'right';
  setGizmoTarget(target: 'camera' | 'left' | 'right'): void;
  setGizmoMode(mode: 'translate' | 'rotate'): void;
  /** Result of the last measurement: mean draw time of a frame, GPU work included. */
  measured: { frameMs: number; frames: number } | null;
  requestMeasure(): void;
  setMeasured(result: { frameMs: number; frames: number } | null): void;
  setLoad(sceneId: string, load: SceneLoad | null): void;
  select(sceneId: string | null): void;
  setNavigation(mode: 'orbit' | 'fly'): void;
  requestFrame(): void;
  toggleNode(uuid: string): void;
  setFrameStats(fps: number, frameMs: number): void;
}

export const useViewport = create<ViewportState>((set, get) => ({
  loads: {},
  selectedSceneId: null,
  navigation: 'orbit',
  frameRequest: 0,
  hiddenNodes: {},
  fps: 0,
  frameMs: 0,
  measureRequest: 0,
  cameraPose: () => null,
  setCameraPose(cameraPose) {
    set({ cameraPose });
  },
  lookThrough: false,
  gizmoMode: 'translate',
  pickMode: null,
  setPickMode(pickMode) {
    set({ pickMode });
  },
  gizmoTarget: 'camera',
  setGizmoTarget(gizmoTarget) {
    set({ gizmoTarget });
  },
  setGizmoMode(gizmoMode) {
    set({ gizmoMode });
  },
  setLookThrough(lookThrough) {
    set({ lookThrough });
  },
  measured: null,
  requestMeasure() {
    set({ measureRequest: get().measureRequest + 1, measured: null });
  },
  setMeasured(measured) {
    set({ measured });
  },
  setLoad(sceneId, load) {
    const loads = { ...get().loads };
    if (load) loads[sceneId] = load;
    else delete loads[sceneId];
    set({ loads });
  },
  select(selectedSceneId) {
    set({ selectedSceneId });
  },
  setNavigation(navigation) {
    set({ navigation });
  },
  requestFrame() {
    set({ frameRequest: get().frameRequest + 1 });
  },
  toggleNode(uuid) {
    const hiddenNodes = { ...get().hiddenNodes };
    if (hiddenNodes[uuid]) delete hiddenNodes[uuid];
    else hiddenNodes[uuid] = true;
    set({ hiddenNodes });
  },
  setFrameStats(fps, frameMs) {
    set({ fps, frameMs });
  },
}));
