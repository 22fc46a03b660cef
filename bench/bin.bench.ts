import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { newTakeRecord, TAKE_FILE, TAKES_DIR, TakeRecord } from '../src/shared/model/take';
import { launchBrowser, newPage, ROOT, startHost, tempDir } from '../tests/e2e/harness';

const TAKES = 100;

/**
 * The shot bin with 100 takes in the browser: a project whose takes/ folder holds 100
 * synthetic done takes (valid take.json records with ratings, flags, tags and figures, and
 * a 240 px poster each), opened in Chromium. Measures when the first card and all of the
 * bin's count appear after navigation, how long re-sorting and filtering take to be painted,
 * and the frame intervals while the bin is scrolled from top to bottom (the list is
 * windowed: the figure says how many cards were in the DOM at most).
 */
export async function benchBin(report: (line: string) => void): Promise<void> {
  const home = await tempDir('bench-bin-home');
  const dir = path.join(await tempDir('bench-bin'), 'project');
  execFileSync(process.execPath, ['bin/dwm-studio.mjs', 'new', dir], { cwd: ROOT, env: { ...process.env, DWM_STUDIO_HOME: home } });
  const doc = JSON.parse(await fs.readFile(path.join(dir, 'project.json'), 'utf8'));
  const shotId: string = doc.activeShotId ?? doc.shots[0].id;

  // 100 different posters (ffmpeg's test pattern, one frame a second) in one ffmpeg run.
  let t = performance.now();
  const posters = await tempDir('bench-bin-posters');
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=240x160:rate=1',
    '-frames:v',
    String(TAKES),
    '-q:v',
    '5',
    path.join(posters, 'p%03d.jpg'),
  ]);
  const start = Date.parse('2026-01-01T10:00:00Z');
  for (let i = 0; i < TAKES; i++) {
    const id = crypto.randomUUID();
    const now = new Date(start + i * 60_000);
    const base = newTakeRecord({
      id,
      shotId,
      name: `Open the top drawer take ${i + 1}`,
      params: {
        modelId: 'dwm-baseline-overlay',
        prompt: 'open the drawer',
        negativePrompt: '',
        seed: 42 + i,
        steps: 2,
        guidance: 1,
        provider: 'cpu',
      },
      model: { id: 'dwm-baseline-overlay', name: 'DWM baseline: hand overlay', version: '1.0.0', baseline: true, hash: 'a'.repeat(64) },
      appVersion: '0.1.0',
      now,
    });
    const finished = new Date(now.getTime() + 9_000).toISOString();
    const take = TakeRecord.parse({
      ...base,
      files: { ...base.files, poster: 'poster.jpg' },
      status: 'done',
      attempts: 1,
      providerUsed: 'cpu',
      output: { frames: 49, width: 720, height: 480, fps: 8 },
      timings: { ...base.timings, startedAt: now.toISOString(), finishedAt: finished, totalMs: 9_000 },
      review: {
        rating: i % 6,
        flagged: i % 7 === 0,
        tags: i % 3 === 0 ? ['drawer'] : i % 5 === 0 ? ['keep', 'hands'] : [],
        note: i % 4 === 0 ? 'Hand slips at frame 30' : '',
      },
      metrics: {
        version: 1,
        frames: 49,
        width: 720,
        height: 480,
        psnrCapDb: 100,
        reference: null,
        consistency: { psnr: 30 + (i % 17), ssim: 0.9 + (i % 10) / 100, referencePsnr: null, referenceSsim: null },
        flicker: 2 + (i % 13) / 10,
        referenceFlicker: null,
        region: null,
        staticBaseline: null,
        decodeMs: null,
        computeMs: 1000,
      },
    });
    const takeDir = path.join(dir, TAKES_DIR, id);
    await fs.mkdir(takeDir, { recursive: true });
    await fs.writeFile(path.join(takeDir, TAKE_FILE), JSON.stringify(take, null, 2));
    await fs.copyFile(path.join(posters, `p${String(i + 1).padStart(3, '0')}.jpg`), path.join(takeDir, 'poster.jpg'));
  }
  report(`wrote ${TAKES} synthetic done takes (take.json + 240x160 poster) in ${ms(performance.now() - t)}`);

  const host = await startHost({ home, project: dir });
  const browser = await launchBrowser();
  try {
    const { page } = await newPage(browser);
    // Recorded from navigation start: when the first card and when the count "· 100" appear.
    await page.addInitScript(`(() => {
      window.__bin = {};
      const check = () => {
        if (!window.__bin.firstCard && document.querySelector('[data-testid=take-card]')) window.__bin.firstCard = performance.now();
        if (!window.__bin.all && /${TAKES}/.test(document.querySelector('.takes-count')?.textContent ?? '')) window.__bin.all = performance.now();
      };
      new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
    })()`);
    t = performance.now();
    await page.goto(host.openUrl);
    await page.getByTestId('take-card').first().waitFor({ timeout: 60_000 });
    const loaded = performance.now() - t;
    const first = (await page.evaluate('window.__bin')) as { firstCard: number; all: number };
    const rendered = Number(await page.getByTestId('take-list').getAttribute('data-rendered'));
    report(
      `open the studio with the project: first take card ${ms(first.firstCard)} after navigation start (all ${TAKES} counted at ${ms(first.all)}); ${rendered} of ${TAKES} cards in the DOM (windowed); page ready in ${ms(loaded)} wall`,
    );

    // Re-sort and filter: from the change event until two frames are painted.
    const change = (testSelect: string, value: string) =>
      page.evaluate(`(async () => {
        const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
        const select = document.querySelector(${JSON.stringify(testSelect)});
        const t = performance.now();
        select.value = ${JSON.stringify(value)};
        select.dispatchEvent(new Event('change', { bubbles: true }));
        await frame(); await frame();
        return performance.now() - t;
      })()`) as Promise<number>;
    const sortSelect = '[data-testid=bin-toolbar] .bin-sort select';
    const sorts: number[] = [];
    for (const value of ['rating', 'seed', 'consistency', 'oldest', 'newest', 'rating', 'seed', 'newest'])
      sorts.push(await change(sortSelect, value));
    report(
      `re-sort ${TAKES} takes (rating, seed, consistency, oldest, newest): ${ms(median(sorts))} median, ${ms(Math.max(...sorts))} worst, until painted (2 frames)`,
    );
    await page.getByRole('button', { name: /^Filter/ }).click();
    const filters: number[] = [];
    for (const value of ['3', '0', '5', '0']) filters.push(await change('[data-testid=bin-filters] label:nth-child(3) select', value));
    report(`filter by minimum rating and back: ${ms(median(filters))} median, ${ms(Math.max(...filters))} worst, until painted`);
    await page.getByRole('button', { name: /^Filter/ }).click();

    // Scroll the bin from top to bottom, 60 px a frame, timing every frame.
    const scroll = (await page.evaluate(`(async () => {
      const body = document.querySelector('.shot-bin-body');
      const list = document.querySelector('[data-testid=take-list]');
      body.scrollTop = 0;
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const stamps = [];
      let maxCards = 0;
      let longTasks = 0;
      let longMs = 0;
      let blank = 0;
      const po = new PerformanceObserver((l) => { for (const e of l.getEntries()) { longTasks++; longMs += e.duration; } });
      try { po.observe({ entryTypes: ['longtask'] }); } catch {}
      const t0 = performance.now();
      await new Promise((done) => {
        const tick = (now) => {
          stamps.push(now);
          maxCards = Math.max(maxCards, list.querySelectorAll('[data-testid=take-card]').length);
          // Blank: the middle of the bin, once the list reaches it, shows the list's spacer instead of a card.
          const r = body.getBoundingClientRect();
          // (Three points 8 px apart, so the 6 px gap between two cards does not count.)
          const y = r.top + r.height / 2;
          if ([y - 8, y, y + 8].every((p) => document.elementFromPoint(r.left + r.width / 2, p) === list)) blank++;
          if (body.scrollTop + body.clientHeight >= body.scrollHeight - 1) return done();
          body.scrollTop += 60;
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      po.disconnect();
      const gaps = stamps.slice(1).map((s, i) => s - stamps[i]).sort((a, b) => a - b);
      const cards = [...list.querySelectorAll('[data-testid=take-card]')];
      const lastShown = cards.at(-1)?.querySelector('.take-name')?.textContent ?? '';
      const imgs = [...list.querySelectorAll('img')];
      return {
        totalMs: performance.now() - t0,
        frames: stamps.length,
        height: body.scrollHeight,
        median: gaps[Math.floor(gaps.length / 2)],
        p95: gaps[Math.floor(gaps.length * 0.95)],
        worst: gaps.at(-1),
        maxCards,
        longTasks,
        longMs,
        blank,
        lastShown,
        posters: imgs.filter((i) => i.complete && i.naturalWidth > 0).length + ' of ' + imgs.length,
      };
    })()`)) as Record<string, number | string>;
    report(
      `scroll the bin top to bottom (${scroll.height} px, 60 px a frame): ${scroll.frames} frames in ${ms(Number(scroll.totalMs))}, frame interval median ${ms(Number(scroll.median))}, p95 ${ms(Number(scroll.p95))}, worst ${ms(Number(scroll.worst))}; ${scroll.longTasks} long tasks (${ms(Number(scroll.longMs))}); at most ${scroll.maxCards} cards in the DOM, ${scroll.blank} frames showing blank list space mid-bin; last card "${scroll.lastShown}", posters loaded ${scroll.posters}`,
    );
  } finally {
    await browser.close();
    await host.stop();
  }
}

const ms = (v: number) => `${v.toFixed(v < 10 ? 1 : 0)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
