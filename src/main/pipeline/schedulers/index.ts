import type { SchedulerConfig } from '../../../shared/model/manifest';
import type { Scheduler } from './common';
import { createDdimScheduler } from './ddim';
import { createFlowEulerScheduler } from './flow-euler';

export type { Scheduler } from './common';

/** The scheduler a bundle's manifest names, set up for `steps` denoising steps. */
export function createScheduler(config: SchedulerConfig, steps: number): Scheduler {
  return config.type === 'flow-euler' ? createFlowEulerScheduler(config, steps) : createDdimScheduler(config, steps);
}
