import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CHANNEL_PATHS, type ChannelPath, getChannel, withChannel } from '../src/shared/animation/channel-path';
import { setKey } from '../src/shared/animation/edit';
import { sampleShotFrames } from '../src/shared/animation/sample';
import type { Shot } from '../src/shared/animation/schema';
import { createShot } from '../src/shared/shot/create-shot';
import { launchBrowser, newPage, ROOT, startHost, tempDir } from '../tests/e2e/harness';

let seq = 0;
const newId = () => `b${++seq}`;

/** A 49-frame shot with `total` keys spread over every channel of the camera and both hands. */
function busyShot(total: number, sceneId: string | null): Shot {
  let shot = createShot({ id: crypto.randomUUID(), name: `${total} keys`, frames: 49, fps: 8, sceneId, newKeyId: newId });
  const paths = CHANNEL_PATHS as readonly ChannelPath[];
  for (let k = 0; k < total; k++) {
    const path = paths[k % paths.length] as ChannelPath;
    const frame = Math.floor(((k / paths.length) * 48) / Math.ceil(total / paths.length));
    const t = k / total;
    let value: unknown;
    switch (path.channel) {
      case 'fovY':
        value = 60 + 10 * Math.sin(t * 6);
        break;
      case 'rotation':
      case 'wristRotation': {
        const a = t * 2;
        value = [0, Math.sin(a / 2), 0, Math.cos(a / 2)];
        break;
      }
      case 'fingers':
        value = Array.from({ length: 45 }, (_, i) => (i % 3 === 0 ? 0.8 * Math.abs(Math.sin(t * 7 + i)) : 0));
        break;
      case 'visible':
        value = k % 2 === 0;
        break;
      default:
        value = [Math.sin(t * 5), 1.5 + 0.1 * Math.cos(t * 3), Math.cos(t * 5)];
    }
    const interpolation = path.channel === 'visible' ? 'hold' : 'bezier';
    shot = withChannel(shot, path, setKey(getChannel(shot, path) as never, frame, value as never, { interpolation, newId }) as never);
  }
  return shot;
}

const countKeys = (shot: Shot) => (CHANNEL_PATHS as readonly ChannelPath[]).reduce((n, p) => n + getChannel(shot, p).keys.length, 0);

export async function benchTimeline(report: (line: string) => void): Promise<void> {
  // Sampling: every track at every one of the 49 frames.
  const shot = busyShot(200, null);
  for (let i = 0; i < 50; i++) sampleShotFrames(shot); // warm up the JIT
  const runs = 400;
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) sampleShotFrames(shot);
  const perCall = (performance.now() - t0) / runs;
  report(
    `sample all tracks (camera, both hands incl. 15 finger joints) at 49 frames, ${countKeys(shot)} keys: ${(perCall * 1000).toFixed(0)} µs per shot`,
  );

  // UI: scrub a 200-key shot in the browser, one frame per arrow key press.
  const home = await tempDir('bench-tl-home');
  const dir = path.join(await tempDir('bench-tl'), 'project');
  execFileSync(process.execPath, ['bin/dwm-studio.mjs', 'new', dir], { cwd: ROOT, env: { ...process.env, DWM_STUDIO_HOME: home } });
  const file = path.join(dir, 'project.json');
  const doc = JSON.parse(await fs.readFile(file, 'utf8'));
  const busy = busyShot(200, doc.activeSceneId);
  doc.shots.push(busy);
  doc.activeShotId = busy.id;
  await fs.writeFile(file, JSON.stringify(doc));
  const host = await startHost({ home, project: dir });
  const browser = await launchBrowser();
  try {
    const { page } = await newPage(browser);
    await page.goto(host.openUrl);
    await page.getByTestId('dopesheet').waitFor();
    await page.getByText('Loaded in').waitFor({ timeout: 60_000 });
    // Press → 40 times; each time wait until the browser has painted twice (React update, canvas frame).
    const ms = (await page.evaluate(`(async () => {
      const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
      const times = [];
      for (let i = 0; i < 40; i++) {
        const t = performance.now();
        window.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
        await frame(); await frame();
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      return times[Math.floor(times.length / 2)];
    })()`)) as number;
    report(
      `scrub a ${countKeys(busy)}-key shot in the UI (sample room visible, software WebGL): ${ms.toFixed(1)} ms per frame step (median of 40)`,
    );
  } finally {
    await browser.close();
    await host.stop();
  }
}
