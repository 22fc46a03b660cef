#!/usr/bin/env node
// Fetches the open hand meshes (generic-hand left/right GLB, MIT) of the npm package
// @webxr-input-profiles/assets into resources/hands/, verifies their sha256, and regenerates
// src/shared/hand/rest-skeleton.ts (joint names, rest positions and rotations) from them, so
// src/shared stays free of file I/O and the renderer and the tests share one skeleton.
//
// No dependency is added: the package is fetched with `npm pack` into a temporary folder
// (the tarball is ~90 MB; only three small files are kept).
//
//   node scripts/fetch-hand-meshes.mjs                 fetch the pinned version, verify, copy, regenerate
//   node scripts/fetch-hand-meshes.mjs --version X --accept
//                                                      refresh to another version: prints the new sha256
//                                                      values to pin in this script and resources/hands/README.md
//   node scripts/fetch-hand-meshes.mjs --skeleton-only regenerate rest-skeleton.ts from resources/hands (offline)
//   node scripts/fetch-hand-meshes.mjs --check         verify resources/hands and that rest-skeleton.ts is current (offline)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = '@webxr-input-profiles/assets';
const PINNED_VERSION = '1.0.20';
const PROFILE_DIR = 'dist/profiles/generic-hand';
/** sha256 of the files as shipped in resources/hands for PINNED_VERSION. */
const PINNED_SHA256 = {
  'left.glb': 'bc67783144944ea1cda54d9247885825ea5fb9d4651469fe7d00be517a5c2b87',
  'right.glb': '291790c14f7f88a7f9bd35330c47392ed8e8d395ae6728f4bb7089f1bc1f2b96',
  'LICENSE-webxr-input-profiles-assets.txt': '0ef0c87e8ffdd0681f332dc3b39f284dee2166d1f853fabc3853884fe81a6f30',
};

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = path.join(ROOT, 'resources', 'hands');
const SKELETON_TS = path.join(ROOT, 'src', 'shared', 'hand', 'rest-skeleton.ts');

/** The 25 WebXR hand joints, in WebXR order (the names of the GLB bones). */
const WEBXR_JOINTS = [
  'wrist',
  ...['thumb-metacarpal', 'thumb-phalanx-proximal', 'thumb-phalanx-distal', 'thumb-tip'],
  ...['index', 'middle', 'ring', 'pinky'].flatMap((f) =>
    ['metacarpal', 'phalanx-proximal', 'phalanx-intermediate', 'phalanx-distal', 'tip'].map((s) => `${f}-finger-${s}`),
  ),
];

function parseArgs(argv) {
  const args = { version: PINNED_VERSION, accept: false, skeletonOnly: false, check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--version') args.version = argv[++i];
    else if (a === '--accept') args.accept = true;
    else if (a === '--skeleton-only') args.skeletonOnly = true;
    else if (a === '--check') args.check = true;
    else if (a === '--help' || a === '-h') {
      console.log(
        readFileSync(fileURLToPath(import.meta.url), 'utf8')
          .split('\n')
          .slice(1, 15)
          .join('\n'),
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!args.version || !/^[0-9A-Za-z.+-]+$/.test(args.version)) throw new Error('--version needs a version such as 1.0.20');
  return args;
}

function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function run(cmd, args, cwd) {
  const result = spawnSync(cmd, args, { cwd, encoding: 'utf8', shell: process.platform === 'win32', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  return result.stdout;
}

function fetchPackage(version) {
  const dir = mkdtempSync(path.join(tmpdir(), 'dwm-hand-meshes-'));
  try {
    console.log(`npm pack ${PACKAGE}@${version} (about 90 MB) ...`);
    const packed = JSON.parse(run('npm', ['pack', `${PACKAGE}@${version}`, '--json', '--pack-destination', dir], dir));
    const info = Array.isArray(packed) ? packed[0] : packed;
    console.log(`  ${info.id}  ${info.integrity}`);
    run('tar', ['-xzf', info.filename, '-C', dir], dir);
    const pkg = path.join(dir, 'package');
    const license = readdirSync(pkg).find((f) => /^licen[cs]e/i.test(f));
    if (!license) throw new Error('the package has no LICENSE file');
    const sources = {
      'left.glb': path.join(pkg, PROFILE_DIR, 'left.glb'),
      'right.glb': path.join(pkg, PROFILE_DIR, 'right.glb'),
      'LICENSE-webxr-input-profiles-assets.txt': path.join(pkg, license),
    };
    let mismatch = false;
    for (const [name, file] of Object.entries(sources)) {
      if (!existsSync(file)) throw new Error(`${path.relative(dir, file)} is missing from ${info.id}`);
      const hash = sha256(file);
      const ok = hash === PINNED_SHA256[name];
      mismatch ||= !ok;
      console.log(`  ${hash}  ${name}${ok ? '' : '  (differs from the pinned sha256)'}`);
    }
    if (mismatch && !args.accept) {
      throw new Error('sha256 differs from the pinned values; rerun with --accept to take these files, then pin the new values');
    }
    for (const [name, file] of Object.entries(sources)) copyFileSync(file, path.join(OUT_DIR, name));
    writeFileSync(path.join(OUT_DIR, 'README.md'), readme(version, info));
    console.log(`copied into ${path.relative(ROOT, OUT_DIR)}/ and wrote its README.md`);
    if (mismatch)
      console.log(`pin the sha256 values above in scripts/fetch-hand-meshes.mjs and resources/hands/README.md (version ${version})`);
    return version;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readme(version, info) {
  const hashes = Object.keys(PINNED_SHA256)
    .map((name) => `| \`${name}\` | \`${sha256(path.join(OUT_DIR, name))}\` |`)
    .join('\n');
  return `# Hand meshes

The open, skinned hand meshes of the WebXR Input Profiles project, used by the studio's posable
hands (src/shared/hand/).

- Package: npm \`${PACKAGE}\`, version ${version} (\`${info.integrity}\`)
- Files: \`${PROFILE_DIR}/left.glb\` and \`right.glb\` (profile \`generic-hand\`), copied unmodified;
  the package's licence file as \`LICENSE-webxr-input-profiles-assets.txt\`.
- Upstream: the immersive-web/webxr-input-profiles repository, \`packages/assets\`.
- Licence: MIT, Copyright (c) 2019 Amazon (see \`LICENSE-webxr-input-profiles-assets.txt\`).
  The studio's own code is Apache-2.0; these files stay under their MIT licence.

Each GLB holds one skinned mesh (1360 vertices) and a flat skeleton of the 25 WebXR hand
joints (\`wrist\`, \`thumb-metacarpal\` ... \`pinky-finger-tip\`), every bone a child of the root
node and posed in model space, plus the profile's \`xr_standard_trigger_*\` helper nodes.

| file | sha256 |
| --- | --- |
${hashes}

Refresh or verify with \`node scripts/fetch-hand-meshes.mjs\` (\`--help\` lists the options); it
also regenerates \`src/shared/hand/rest-skeleton.ts\` from these files.
`;
}

/** The shortest decimal that reads back as the same float32 (GLB values are float32). */
function f32(v) {
  if (Object.is(v, -0) || v === 0) return '0';
  const target = Math.fround(v);
  for (let p = 1; p <= 9; p++) {
    const s = Number(v.toPrecision(p));
    if (Math.fround(s) === target) return String(s);
  }
  return String(target);
}

async function readSkeleton(file) {
  const { NodeIO } = await import('@gltf-transform/core');
  const { Matrix4, Quaternion, Vector3 } = await import('three');
  const doc = await new NodeIO().read(file);
  const skins = doc.getRoot().listSkins();
  if (skins.length !== 1) throw new Error(`${file}: expected one skin, found ${skins.length}`);
  const skin = skins[0];
  const meshNode = doc
    .getRoot()
    .listNodes()
    .find((n) => n.getSkin() === skin);
  const byName = new Map(skin.listJoints().map((n) => [n.getName(), n]));
  const joints = {};
  for (const name of WEBXR_JOINTS) {
    const node = byName.get(name);
    if (!node) throw new Error(`${file}: the skin has no joint named ${name}`);
    // Model space = the glTF scene's space. Keep the file's own values when every ancestor is
    // the identity (the case for these flat skeletons); otherwise decompose the world matrix.
    let ancestorsIdentity = true;
    for (let p = node.getParentNode(); p; p = p.getParentNode()) {
      ancestorsIdentity &&= new Matrix4().fromArray(p.getMatrix()).equals(new Matrix4());
    }
    let position;
    let rotation;
    let scale;
    if (ancestorsIdentity) {
      position = node.getTranslation();
      rotation = node.getRotation();
      scale = node.getScale();
    } else {
      const t = new Vector3();
      const q = new Quaternion();
      const s = new Vector3();
      new Matrix4().fromArray(node.getWorldMatrix()).decompose(t, q, s);
      position = t.toArray();
      rotation = q.toArray();
      scale = s.toArray();
    }
    if (scale.some((v) => Math.abs(v - 1) > 1e-4))
      throw new Error(`${file}: joint ${name} is scaled (${scale}); the skeleton assumes unit scale`);
    joints[name] = { position, rotation };
  }
  return { meshNode: meshNode?.getName() ?? '', joints };
}

async function skeletonSource() {
  const version = readVersionFromReadme();
  const sides = {};
  for (const side of ['left', 'right']) sides[side] = await readSkeleton(path.join(OUT_DIR, `${side}.glb`));
  const lines = [
    '// GENERATED by scripts/fetch-hand-meshes.mjs (--skeleton-only) from resources/hands/{left,right}.glb; do not edit.',
    `// Source: ${PACKAGE}@${version}, ${PROFILE_DIR}/{left,right}.glb (MIT, see resources/hands/).`,
    '// Rest pose of each WebXR joint in the hand model space (the glTF scene), metres; rotations [x, y, z, w].',
    '// The skeletons in the files are flat (every bone a child of the root), so these are also the bone values.',
    "import type { RestSkeletonData } from './skeleton';",
    '',
    'export const REST_SKELETON_SOURCE = {',
    `  package: '${PACKAGE}',`,
    `  version: '${version}',`,
    '  sha256: {',
    `    left: '${sha256(path.join(OUT_DIR, 'left.glb'))}',`,
    `    right: '${sha256(path.join(OUT_DIR, 'right.glb'))}',`,
    '  },',
    '} as const;',
    '',
    "export const REST_SKELETON_DATA: Record<'left' | 'right', RestSkeletonData> = {",
  ];
  for (const side of ['left', 'right']) {
    const s = sides[side];
    lines.push(`  ${side}: {`, `    meshNode: '${s.meshNode}',`, '    joints: {');
    for (const name of WEBXR_JOINTS) {
      const j = s.joints[name];
      const key = /^[a-z]+$/.test(name) ? name : `'${name}'`;
      lines.push(`      ${key}: {`);
      lines.push(`        position: [${j.position.map(f32).join(', ')}],`);
      lines.push(`        rotation: [${j.rotation.map(f32).join(', ')}],`);
      lines.push('      },');
    }
    lines.push('    },', '  },');
  }
  lines.push('};', '');
  return lines.join('\n');
}

function readVersionFromReadme() {
  const readme = path.join(OUT_DIR, 'README.md');
  const m = existsSync(readme) ? /version\s+`?([0-9][0-9A-Za-z.+-]*)`?/i.exec(readFileSync(readme, 'utf8')) : null;
  return m?.[1] ?? PINNED_VERSION;
}

function checkFiles() {
  let ok = true;
  const version = readVersionFromReadme();
  for (const [name, expected] of Object.entries(PINNED_SHA256)) {
    const file = path.join(OUT_DIR, name);
    const hash = existsSync(file) ? sha256(file) : 'missing';
    const same = hash === expected;
    if (version === PINNED_VERSION) ok &&= same;
    console.log(`  ${hash}  ${name}${same ? '' : ' (differs from the pinned sha256)'}`);
  }
  return ok;
}

let args;
try {
  args = parseArgs(process.argv.slice(2));
  if (args.check) {
    const filesOk = checkFiles();
    const current = existsSync(SKELETON_TS) && readFileSync(SKELETON_TS, 'utf8') === (await skeletonSource());
    console.log(current ? 'rest-skeleton.ts is current' : 'rest-skeleton.ts is out of date: run with --skeleton-only');
    process.exit(filesOk && current ? 0 : 1);
  }
  if (!args.skeletonOnly) fetchPackage(args.version);
  writeFileSync(SKELETON_TS, await skeletonSource());
  console.log(`wrote ${path.relative(ROOT, SKELETON_TS)}`);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
