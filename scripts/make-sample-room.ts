/**
 * Write a generated room as a GLB and say what is in it.
 *
 *   node --import tsx scripts/make-sample-room.ts OUT.glb [--seed N]
 *
 * Seed 0 (the default) is the studio's bundled sample room; any other seed is a randomised room.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { generateRoom } from '../src/main/services/scenes/room-generator';

const USAGE = 'usage: node --import tsx scripts/make-sample-room.ts OUT.glb [--seed N]';

function parseArgs(argv: string[]): { out: string; seed: number } {
  let out: string | null = null;
  let seed = 0;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (a === '--seed' || a.startsWith('--seed=')) {
      const v = a === '--seed' ? argv[++i] : a.slice('--seed='.length);
      if (v === undefined || !/^\d+$/.test(v)) throw new Error(`--seed needs a non-negative integer, got ${v ?? 'nothing'}`);
      seed = Number(v);
    } else if (a.startsWith('-')) {
      throw new Error(`unknown option ${a}`);
    } else if (out === null) {
      out = a;
    } else {
      throw new Error(`unexpected argument ${a}`);
    }
  }
  if (!out) throw new Error('missing OUT.glb');
  return { out, seed };
}

function fmt(v: readonly number[]): string {
  return `(${v.map((x) => x.toFixed(3)).join(', ')})`;
}

async function main(): Promise<void> {
  const { out, seed } = parseArgs(process.argv.slice(2));
  const { glb, description: room } = await generateRoom({ seed });
  await fs.mkdir(path.dirname(path.resolve(out)), { recursive: true });
  await fs.writeFile(out, glb);
  const kb = (glb.byteLength / 1024).toFixed(1);
  console.log(`${out}: ${room.name} (seed ${seed}), ${room.size.width} x ${room.size.depth} m, walls ${room.size.height} m`);
  console.log(`  ${room.triangles} triangles, ${glb.byteLength} bytes (${kb} KiB)`);
  console.log(`  furniture: ${room.furniture.map((f) => `${f.node}${f.wall ? ` (${f.wall} wall)` : ''}`).join(', ')}`);
  console.log(`  loose: ${room.loose.map((l) => `${l.node} on ${l.on}`).join(', ') || 'none'}`);
  console.log(`  lights: ${room.lights.map((l) => `${l.node} (${l.type})`).join(', ')}`);
  console.log(`  articulated parts (${room.parts.length}):`);
  for (const p of room.parts) {
    const unit = p.type === 'prismatic' ? 'm' : 'rad';
    console.log(
      `    ${p.node.padEnd(28)} ${p.type.padEnd(9)} ${p.label.padEnd(20)} limits [${p.joint.limits.join(', ')}] ${unit}  handle ${fmt(p.handleWorld)}  axis ${fmt(p.axisWorld)} (world)`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(`make-sample-room: ${err instanceof Error ? err.message : String(err)}`);
  console.error(USAGE);
  process.exit(1);
});
