/**
 * Trail: every notebook execution recorded, shared and replayable.
 * This module only lists the plugins; each lives in src/plugins/.
 */
import { comparePlugin } from './plugins/compare';
import { connectionPlugin } from './plugins/connection';
import { deliveryPlugin } from './plugins/delivery';
import { exportPlugin } from './plugins/export';
import { forkPlugin } from './plugins/fork';
import { forkComparisonPlugin } from './plugins/forkComparison';
import { identicalPlugin } from './plugins/identical';
import { leaderboardPlugin } from './plugins/leaderboard';
import { panelPlugin } from './plugins/panel';
import { recorderPlugin } from './plugins/recorder';
import { replayPlugin } from './plugins/replay';
import { replayRunPlugin } from './plugins/replayRun';
import { statusPlugin } from './plugins/status';

export * from './tokens';
export * from './recorder';
export * from './client';

export default [
  connectionPlugin,
  recorderPlugin,
  deliveryPlugin,
  panelPlugin,
  replayPlugin,
  statusPlugin,
  replayRunPlugin,
  forkComparisonPlugin,
  forkPlugin,
  exportPlugin,
  leaderboardPlugin,
  comparePlugin,
  identicalPlugin
];
