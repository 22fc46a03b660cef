/**
 * One exported episode: what every export format reads from a take. A take is one episode; its
 * task is the prompt. Per-frame vectors are plain number arrays with one name per dimension
 * (LeRobot's `names`), so every dimension in a dataset is labelled.
 */
export interface EpisodeData {
  takeId: string;
  /** The take's name, for messages. */
  name: string;
  /** The natural-language task (the take's prompt; the shot's name when the prompt is empty). */
  task: string;
  fps: number;
  frames: number;
  width: number;
  height: number;
  /** Absolute paths of H.264 MP4s, all `frames` long at `fps`, `width` x `height`. */
  videos: { generated: string; static: string; hands: string };
  /**
   * observation.state per frame (camera pose, both hands' MANO parameters and keypoints) and
   * action per frame (the next frame's camera and hand targets; the last frame repeats its own),
   * with their dimension names. Null when the take has no poses (conditioning imported from
   * video files, where the camera path is not known).
   */
  state: { names: string[]; values: number[][] } | null;
  action: { names: string[]; values: number[][] } | null;
}
