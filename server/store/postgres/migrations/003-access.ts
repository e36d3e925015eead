/** Placeholder: filled in by its owner (see /tmp/prompts17/common.md). */
import type { Migration } from './index';

const migration: Migration = {
  name: '003-access',
  up: ''
};

export default migration;
