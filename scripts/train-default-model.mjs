// `npm run train-default-model`: retrain the bundled default model from scratch, in one command.
//  1. render the synthetic training set and the held-out set with the studio's own generator
//     (`dwm-studio synth`: seeded procedural rooms, a hand opening one articulated part per clip);
//     held-out rooms use other seeds, so their scenes and trajectories are never seen in training;
//  2. train, export and evaluate with tools/dwm_train (PyTorch, CPU), writing the bundle with its
//     training report beside it to .cache/dwm-train/dwm-synth-small (--out to change it). Copied into
//     resources/models/, the first learned bundle there becomes the studio's default model.
// Everything intermediate lives in .cache/dwm-train (git-ignored); pass --fresh to delete it first.
// Python: DWM_PYTHON, else python3, with tools/dwm_train/requirements.txt installed.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: a } = parseArgs({
  options: {
    'train-rooms': { type: 'string', default: '64' },
    'heldout-rooms': { type: 'string', default: '12' },
    'clips-per-room': { type: 'string', default: '5' },
    // The run reported in README: 3000 steps (about 25 min on 2 CPU cores); sampled with these steps and shift.
    steps: { type: 'string', default: '3000' },
    'default-steps': { type: 'string', default: '4' },
    shift: { type: 'string', default: '1' },
    seed: { type: 'string', default: '0' },
    work: { type: 'string', default: path.join(root, '.cache', 'dwm-train') },
    out: { type: 'string', default: path.join(root, '.cache', 'dwm-train', 'dwm-synth-small') },
    fresh: { type: 'boolean', default: false },
  },
});
const work = path.resolve(a.work);
if (a.fresh) rmSync(work, { recursive: true, force: true });
const python = process.env.DWM_PYTHON || 'python3';

function run(cmd, args, opts = {}) {
  console.log(`\n$ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(
      `\ntrain-default-model: "${cmd} ${args[0] ?? ''}" failed (exit ${r.status ?? r.signal}); what finished is kept in ${work}`,
    );
    process.exit(r.status || 1);
  }
}

// Training rooms are seeds 1..N; held-out rooms start at 9001, far from any training seed.
const sets = [
  { name: 'train', rooms: a['train-rooms'], first: '1' },
  { name: 'heldout', rooms: a['heldout-rooms'], first: '9001' },
];
for (const set of sets) {
  const out = path.join(work, 'data', set.name);
  // A finished set is reused (delete it, or pass --fresh, to render it again).
  if (existsSync(path.join(out, 'clips.json'))) {
    console.log(`\n${set.name} clips: reusing ${out}`);
    continue;
  }
  run(process.execPath, [
    path.join(root, 'bin', 'dwm-studio.mjs'),
    'synth',
    '--out',
    out,
    '--rooms',
    set.rooms,
    '--clips-per-room',
    a['clips-per-room'],
    '--first-room-seed',
    set.first,
  ]);
}

run(
  python,
  [
    '-m',
    'dwm_train',
    'all',
    '--data-train',
    path.join(work, 'data', 'train'),
    '--data-heldout',
    path.join(work, 'data', 'heldout'),
    '--work',
    path.join(work, 'run'),
    '--bundle-out',
    path.resolve(a.out),
    '--report-out',
    path.join(path.resolve(a.out), 'training-report'),
    '--steps',
    a.steps,
    '--ckpt-every',
    '250',
    '--default-steps',
    a['default-steps'],
    '--shift',
    a.shift,
    '--seed',
    a.seed,
  ],
  { cwd: path.join(root, 'tools', 'dwm_train') },
);
