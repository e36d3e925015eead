/** Placeholder: filled in by its owner (see /tmp/prompts17/common.md). */
import type { Migration } from './index';

const migration: Migration = {
  name: '004-search-feed',
  up: ''
};

export default migration;
