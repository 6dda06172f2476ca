import { z } from 'zod';
import { ex, list, map, name, props, req, text } from './fields.js';

/** One target, as the console's Targets parameter writes it (often the whole item is `{{ targets }}`). */
const filter = props({
  Type: req(z.enum(['ResourceIds', 'Tags', 'ResourceGroup'])),
  ResourceIds: ex(list(ex(text), 'must be a list of instance ids')),
  // A list of {Key, Value}, or a map of key to value.
  Tags: ex(z.union([list(ex(map)), map], { error: 'must be a list of {Key, Value}' })),
  ResourceGroupId: ex(text),
  RegionId: ex(text),
});

/** ACS::SelectTargets: ResourceType, RegionId, Filters. */
export const selectTargetsSchema = props({
  ResourceType: ex(name),
  RegionId: ex(text),
  Filters: req(list(ex(filter))),
});
