/** Placeholder: filled in by its owner (see /tmp/prompts17/common.md). */
import type { Migration } from './index';

const migration: Migration = {
  name: '002-runs',
  up: ''
};

export default migration;
