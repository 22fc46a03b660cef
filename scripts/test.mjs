// `npm test`: every check the project has, in order, each with its own status line, and
// one closing line that counts tests: 'N passed, N failed, N skipped'.
// Steps: typecheck, lint, unit tests (vitest), build (electron-vite), end-to-end tests
// (vitest + playwright-core driving the system's Chromium against the real web host), and the
// Python checks: exported datasets (tests/python: pytest with pyarrow and pandas) and the
// checkpoint exporter with its PyTorch parity tests (tools/dwm_export: torch, diffusers). DWM_PYTHON
// names the interpreter; .ci/run makes a virtual environment with both requirements files.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = path.join(root, 'test-results');
mkdirSync(resultsDir, { recursive: true });
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const only = process.argv[2]; // e.g. `npm test -- unit`

const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function run(label, cmd, args) {
  const started = Date.now();
  console.log(`\n=== ${label}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = r.status === 0;
  console.log(`=== ${label}: ${ok ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${seconds} s`);
  if (!ok) failures.push(label);
  return ok;
}

/** A check that is not a test runner (typecheck, lint, build) counts as one test. */
function check(label, cmd, args) {
  const ok = run(label, cmd, args);
  if (ok) totals.passed += 1;
  else totals.failed += 1;
  return ok;
}

function vitest(label, project) {
  const report = path.join(resultsDir, `vitest-${project}.json`);
  const ok = run(label, bin('vitest'), ['run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile=${report}`]);
  if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    totals.passed += json.numPassedTests ?? 0;
    totals.failed += json.numFailedTests ?? 0;
    totals.skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
    if (!ok && (json.numFailedTests ?? 0) === 0) totals.failed += 1; // a crash outside any test
  } else if (!ok) {
    totals.failed += 1;
  }
}

/**
 * One pytest suite, run from `dir` (so its pytest.ini applies), counted from pytest's summary
 * line, e.g. '9 passed, 1 skipped in 5.1s'. `needs` are the modules probed first: without them
 * the suite is skipped with the install command, never silently.
 */
function pytest(label, dir, needs, requirements) {
  const python = process.env.DWM_PYTHON || 'python3';
  const cwd = path.join(root, dir);
  const probe = spawnSync(python, ['-c', `import ${needs.join(', ')}`], { cwd });
  if (probe.status !== 0) {
    console.log(`\n=== ${label}: SKIPPED: ${python} lacks one of ${needs.join(', ')} (pip install -r ${requirements}, or set DWM_PYTHON)`);
    totals.skipped += 1;
    return;
  }
  const started = Date.now();
  console.log(`\n=== ${label}`);
  const r = spawnSync(python, ['-m', 'pytest', '.', '-q', '-rs', '-p', 'no:cacheprovider'], {
    cwd,
    encoding: 'utf8',
    env: process.env,
  });
  process.stdout.write(r.stdout ?? '');
  process.stderr.write(r.stderr ?? '');
  const summary =
    (r.stdout ?? '')
      .split('\n')
      .reverse()
      .find((l) => /\d+ (passed|failed|skipped)/.test(l)) ?? '';
  for (const kind of ['passed', 'failed', 'skipped']) {
    const m = new RegExp(`(\\d+) ${kind}`).exec(summary);
    if (m) totals[kind] += Number(m[1]);
  }
  const ok = r.status === 0;
  if (!ok) {
    failures.push(label);
    if (!/\d+ failed/.test(summary)) totals.failed += 1;
  }
  console.log(`=== ${label}: ${ok ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const steps = {
  typecheck: () => {
    check('typecheck (main, preload, shared, tests)', bin('tsc'), ['-p', 'tsconfig.node.json', '--noEmit']);
    check('typecheck (renderer)', bin('tsc'), ['-p', 'tsconfig.web.json', '--noEmit']);
  },
  lint: () => check('lint and format (biome)', bin('biome'), ['check', '.']),
  unit: () => vitest('unit tests', 'unit'),
  build: () => check('build (electron-vite)', bin('electron-vite'), ['build']),
  e2e: () => vitest('end-to-end tests (Chromium + web host)', 'e2e'),
  python: () => {
    pytest('dataset checks (pytest, pyarrow)', 'tests/python', ['pytest', 'pyarrow', 'pandas', 'numpy'], 'tests/python/requirements.txt');
    pytest(
      'checkpoint export and PyTorch parity (pytest, torch)',
      'tools/dwm_export',
      ['pytest', 'torch', 'diffusers', 'transformers', 'peft', 'onnx'],
      'tools/dwm_export/requirements.txt',
    );
    pytest(
      'learned default model: training, export, studio clips smoke run (pytest, torch)',
      'tools/dwm_train',
      ['pytest', 'torch', 'onnx', 'onnxruntime', 'PIL'],
      'tools/dwm_train/requirements.txt',
    );
  },
};

for (const [name, step] of Object.entries(steps)) {
  if (only && only !== name && !(only === 'e2e' && name === 'build')) continue;
  step();
}

console.log(`\nSteps failed: ${failures.length === 0 ? 'none' : failures.join(', ')}`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failures.length === 0 ? 0 : 1);
