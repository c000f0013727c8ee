import type { Database } from "../db/database";
import { purgeExpiredIdempotencyKeys } from "../db/idempotency/purge";
import { mergeBacklog } from "../db/segment-groups/member-index";
import { purgeExpiredChanges } from "../db/segment-groups/purge-changes";

/**
 * One task the Cron Trigger runs as of `now`. It returns how many things it did; `counts`
 * names them, and is the field that number takes in the job's log line.
 */
export interface ScheduledJob {
  name: string;
  counts: "deleted" | "merged";
  run(db: Database, now: Date): Promise<number>;
}

/** Every job the Cron Trigger runs, in order. Add a job here; src/scheduled/index.ts runs them all. */
export const SCHEDULED_JOBS: readonly ScheduledJob[] = [
  { name: "idempotency_keys", counts: "deleted", run: purgeExpiredIdempotencyKeys },
  // The deleted groups whose tombstones (and history) went.
  { name: "change_feed", counts: "deleted", run: async (db, now) => (await purgeExpiredChanges(db, now)).groups },
  // Not an expiry: empties the reverse index's backlog, which only writes otherwise merge.
  { name: "member_index_backlog", counts: "merged", run: (db) => mergeBacklog(db) },
];
