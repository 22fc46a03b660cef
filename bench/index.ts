import os from 'node:os';
import { benchBin } from './bin.bench';
import { benchConditioning } from './conditioning.bench';
import { benchExport } from './export.bench';
import { benchGeneration } from './generation.bench';
import { benchMetrics } from './metrics.bench';
import { benchParity } from './parity.bench';
import { benchTimeline } from './timeline.bench';
import { benchViewport } from './viewport.bench';

/**
 * `npm run bench`: speed figures, printed, never asserted (timed unit tests are flaky by
 * nature). Each section says what it measures and on what.
 */
async function main() {
  console.log(
    `DWM Studio benchmarks on ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'CPU'}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GB, Node ${process.version}`,
  );
  const sections: [string, (report: (line: string) => void) => Promise<void>][] = [
    ['Timeline', benchTimeline],
    ['Conditioning render', benchConditioning],
    ['Scene import and viewport', benchViewport],
    ['Generation pipeline', benchGeneration],
    ['Take metrics', benchMetrics],
    ['Export', benchExport],
    ['Shot bin (100 takes)', benchBin],
    ['PyTorch reference vs studio (tiny DWM graphs)', benchParity],
  ];
  const only = process.argv[2];
  for (const [title, run] of sections) {
    if (only && !title.toLowerCase().startsWith(only.toLowerCase())) continue;
    console.log(`\n== ${title}`);
    const started = performance.now();
    try {
      await run((line) => console.log(`  ${line}`));
    } catch (err) {
      console.log(`  FAILED: ${(err as Error).stack ?? err}`);
      process.exitCode = 1;
    }
    console.log(`  (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
}

await main();
