/**
 * Writes a small example LeRobot dataset for the Python tests (tests/python/test_lerobot_*.py):
 *
 *   npx tsx tests/python/make_dataset.ts <workDir>
 *
 * makes <workDir>/clips/ (test videos from ffmpeg's lavfi sources, H.264 as the studio encodes
 * them), writes two episodes into <workDir>/dataset with writeLeRobotDataset, then appends a
 * third (so append is exercised too), and records what went in to <workDir>/episodes.json for
 * the tests to compare against.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { EpisodeData } from '../../src/main/export/episode';
import { writeLeRobotDataset } from '../../src/main/export/lerobot/lerobot-writer';

const WIDTH = 64;
const HEIGHT = 48;
const FPS = 8;
const STATE_NAMES = ['camera.x', 'camera.y', 'camera.z', 'left.wrist.x', 'right.wrist.x', 'right.finger.0'];
const ACTION_NAMES = ['camera.target.x', 'camera.target.y', 'camera.target.z', 'right.wrist.target.x'];
const EPISODES = [
  { frames: 9, task: 'pick up the red cup' },
  { frames: 10, task: 'open the drawer' },
  { frames: 12, task: 'pick up the red cup' },
];
/**
 * One lavfi source per camera, so the three videos differ; `start` shifts each episode's content and
 * the hue turns by 37 degrees a frame, so every frame differs clearly from its neighbours (the tests
 * identify frames by their pixels).
 */
const SOURCES = {
  generated: (start: number) => `testsrc2=size=${WIDTH}x${HEIGHT}:rate=${FPS},trim=start_frame=${start},setpts=PTS-STARTPTS,hue=h=n*37`,
  static: (start: number) => `testsrc=size=${WIDTH}x${HEIGHT}:rate=${FPS},trim=start_frame=${start},setpts=PTS-STARTPTS,hue=h=n*37`,
  hands: (start: number) => `testsrc2=size=${WIDTH}x${HEIGHT}:rate=${FPS},negate,trim=start_frame=${start},setpts=PTS-STARTPTS,hue=h=n*37`,
};

function makeClip(file: string, source: string, frames: number): void {
  const args = [
    ...['-v', 'error', '-nostdin', '-f', 'lavfi', '-i', source, '-frames:v', String(frames)],
    ...[
      '-c:v',
      'libx264',
      '-preset',
      'medium',
      '-crf',
      '12',
      '-pix_fmt',
      'yuv420p',
      '-g',
      String(FPS),
      '-movflags',
      '+faststart',
      '-y',
      file,
    ],
  ];
  const r = spawnSync('ffmpeg', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg failed for ${file}: ${r.stderr}`);
}

function vectors(e: number, frames: number, dims: number, phase: number): number[][] {
  return Array.from({ length: frames }, (_, f) =>
    Array.from({ length: dims }, (_, d) => Math.sin(0.37 * f + 1.3 * d + phase) * (d + 1) + 0.25 * e),
  );
}

async function main(): Promise<void> {
  const work = process.argv[2];
  if (!work) throw new Error('usage: make_dataset.ts <workDir>');
  const clips = path.join(work, 'clips');
  const out = path.join(work, 'dataset');
  await fs.mkdir(clips, { recursive: true });
  const episodes: EpisodeData[] = EPISODES.map((spec, e) => {
    const videos = { generated: '', static: '', hands: '' };
    for (const role of ['generated', 'static', 'hands'] as const) {
      videos[role] = path.join(clips, `ep${e}-${role}.mp4`);
      makeClip(videos[role], SOURCES[role](30 * e), spec.frames);
    }
    return {
      takeId: `take-${e}`,
      name: `Take ${e}`,
      task: spec.task,
      fps: FPS,
      frames: spec.frames,
      width: WIDTH,
      height: HEIGHT,
      videos,
      state: { names: STATE_NAMES, values: vectors(e, spec.frames, STATE_NAMES.length, 0) },
      action: { names: ACTION_NAMES, values: vectors(e, spec.frames, ACTION_NAMES.length, 0.5) },
    };
  });
  const opts = { fps: FPS, robotType: 'dwm-studio-egocentric-hands' };
  await writeLeRobotDataset(out, episodes.slice(0, 2), opts);
  const result = await writeLeRobotDataset(out, episodes.slice(2), { ...opts, append: true });
  await fs.writeFile(
    path.join(work, 'episodes.json'),
    JSON.stringify({ fps: FPS, width: WIDTH, height: HEIGHT, robotType: opts.robotType, episodes }),
  );
  process.stdout.write(`${JSON.stringify({ dataset: out, ...result })}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
