import type { ModelList, ModelSummary, TakeView } from '../../shared/api/contract';
import { TAKES_DIR, type TakeRecord } from '../../shared/model/take';
import type { ModelBundle } from '../models/bundle';
import type { ModelListing } from '../models/model-registry';

/** A take as the API returns it: the record plus project-relative paths for the media route. */
export function toTakeView(take: TakeRecord): TakeView {
  const dir = `${TAKES_DIR}/${take.id}`;
  return {
    ...take,
    paths: {
      dir,
      video: `${dir}/${take.files.video}`,
      staticVideo: `${dir}/${take.files.staticVideo}`,
      handsVideo: `${dir}/${take.files.handsVideo}`,
      poster: take.files.poster ? `${dir}/${take.files.poster}` : null,
      preview: take.files.preview ? `${dir}/${take.files.preview}` : null,
    },
  };
}

export function toModelList(listing: ModelListing, defaultModelId: string | null): ModelList {
  return { models: listing.models.map(toModelSummary), invalid: listing.invalid, defaultModelId };
}

/** An installed model as the UI lists it. */
export function toModelSummary({ manifest: m, dir, bytes }: ModelBundle): ModelSummary {
  return {
    id: m.id,
    name: m.name,
    version: m.version,
    description: m.description,
    baseline: m.baseline,
    dir,
    bytes,
    conditioning: m.conditioning,
    uses: m.uses,
    defaults: m.defaults,
    scheduler: m.scheduler.type,
  };
}
