/**
 * Posable hands: the WebXR generic-hand meshes (resources/hands/) driven by MANO-style
 * parameters. Pure TypeScript, shared by the renderer, the exporters and the tests.
 */
export * from './keypoints';
export * from './mano';
export * from './presets';
export * from './quat';
export { REST_SKELETON_SOURCE } from './rest-skeleton';
export * from './skeleton';
export * from './webxr-mapping';
