/**
 * `<data>/meta.json`: the few facts about a data folder itself, kept with
 * lowdb (small and rarely written, so lowdb's whole-file writes are fine).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

/**
 * The on-disk layout version this server writes; it reads every version up
 * to it. 2: execution headers carry the notebook path and cell id;
 * annotation, environment and blob-guard records. 3: blobs are records
 * of the log (format 2 kept them as files).
 */
export const STORE_FORMAT_VERSION = 3;

/** The content of meta.json. */
export interface StoreMeta {
  formatVersion: number;
  /** A random id of this data folder, made when it was created. */
  serverId: string;
  createdAt: string;
}

/**
 * Reads meta.json, creating it for a new data folder, and refuses a folder
 * written by a newer, incompatible server. An older folder is marked with
 * this version before anything is written, so that an older server then
 * refuses it instead of misreading the records this one adds.
 */
export async function openStoreMeta(dataDir: string): Promise<StoreMeta> {
  // lowdb is ESM-only: a dynamic import loads it from this CommonJS module.
  // Its presets switch to memory under NODE_ENV=test, so the file adapter is
  // constructed explicitly: tests must hit the disk like production does.
  const { Low } = await import('lowdb');
  const { JSONFile } = await import('lowdb/node');
  const db = new Low<StoreMeta | null>(
    new JSONFile<StoreMeta | null>(join(dataDir, 'meta.json')),
    null
  );
  await db.read();
  if (db.data === null) {
    db.data = {
      formatVersion: STORE_FORMAT_VERSION,
      serverId: randomUUID(),
      createdAt: new Date().toISOString()
    };
    await db.write();
  }
  if (db.data.formatVersion > STORE_FORMAT_VERSION) {
    throw new Error(
      `the data folder ${dataDir} uses store format ${db.data.formatVersion}; ` +
        `this server reads formats up to ${STORE_FORMAT_VERSION}: upgrade the server`
    );
  }
  if (db.data.formatVersion < STORE_FORMAT_VERSION) {
    db.data.formatVersion = STORE_FORMAT_VERSION;
    await db.write();
  }
  return db.data;
}
