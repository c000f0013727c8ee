import type { Database } from "../db/database";
import { purgeExpiredIdempotencyKeys } from "../db/idempotency/purge";
import { mergeBacklog } from "../db/segment-groups/member-index";
import { purgeExpiredChanges } from "../db/segment-groups/purge-changes";

/** One clean-up the Cron Trigger runs: deletes what expired by `now`, returns how many rows. */
export interface PurgeJob {
  name: string;
  purge(db: Database, now: Date): Promise<number>;
}

/** Every purge the Cron Trigger runs, in order. Add a job here; src/scheduled/index.ts runs them all. */
export const PURGE_JOBS: readonly PurgeJob[] = [
  { name: "idempotency_keys", purge: purgeExpiredIdempotencyKeys },
  // Counts the deleted groups whose tombstones (and history) went.
  { name: "change_feed", purge: async (db, now) => (await purgeExpiredChanges(db, now)).groups },
  // Not an expiry: empties the reverse index's backlog, which only writes otherwise merge.
  // Counts the queued groups merged.
  { name: "member_index_backlog", purge: (db) => mergeBacklog(db) },
];
