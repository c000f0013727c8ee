import type { Database } from "../database";

/** What a write needs to honour an Idempotency-Key: who used which key on which route, for which request. */
export interface IdempotencyClaim {
  /** The token's `sub`. */
  subject: string;
  /** e.g. "POST /segment_groups". */
  route: string;
  key: string;
  /** SHA-256 of the validated body as canonical JSON (src/idempotency/fingerprint.ts). */
  fingerprint: string;
  /** The status of the answer to store if the write happens (201, 200). */
  status: number;
  expiresAt: string;
}

/** What a write answers when the key was used before: replay that answer, or refuse another request under it. */
export type PriorAnswerOutcome<Snapshot> =
  | { outcome: "replayed"; status: number; snapshot: Snapshot }
  | { outcome: "key_reused" };

interface PriorAnswerRow {
  fingerprint: string;
  status: number;
  snapshot: string;
}

/** The claim's scope as ONE JSON parameter, `["subject", "route", "key"]`, or NULL without a key. */
export function scopeParam(claim: IdempotencyClaim | null): string | null {
  return claim && JSON.stringify([claim.subject, claim.route, claim.key]);
}

// The key row of the scope parameter at `placeholder` (a primary key lookup); none when it is NULL.
function inScopeSql(placeholder: string): string {
  return `subject = ${placeholder} ->> 0 AND route = ${placeholder} ->> 1 AND key = ${placeholder} ->> 2`;
}

/** True when the key in the scope parameter at `placeholder` is taken; false without a key. */
export function keyTakenSql(placeholder: string): string {
  return `EXISTS (SELECT 1 FROM idempotency_keys WHERE ${inScopeSql(placeholder)})`;
}

/**
 * The batch's FIRST statement: the answer stored under the key before this batch, if any.
 * The batch is one transaction and D1 runs one at a time, so this read and the writes' guards
 * (`NOT keyTakenSql`) see the same state: a concurrent duplicate either writes or replays.
 */
export function priorAnswerStatement(db: Database, claim: IdempotencyClaim | null): D1PreparedStatement {
  return db.statement(`SELECT fingerprint, status, snapshot FROM idempotency_keys WHERE ${inScopeSql("?1")}`, scopeParam(claim));
}

/**
 * The batch's LAST statement: the key row, inserted only if this batch wrote. `snapshotSelect`
 * is the route's query yielding one row with one `snapshot` column (the JSON of the rows the
 * answer shows) exactly when the write happened; its own parameters start at ?5. It returns
 * the snapshot, so a route may build its first answer from it as a replay would. A plain
 * INSERT: if the key were somehow taken, the primary key fails the whole batch, so one key
 * can never stand for two writes.
 */
export function storeAnswerStatement(
  db: Database,
  claim: IdempotencyClaim | null,
  snapshotSelect: string,
  ...snapshotParams: unknown[]
): D1PreparedStatement {
  const sql = `INSERT INTO idempotency_keys (subject, route, key, fingerprint, status, snapshot, expires_at)
    SELECT ?1 ->> 0, ?1 ->> 1, ?1 ->> 2, ?2, ?3, w.snapshot, ?4 FROM (${snapshotSelect}) AS w
    WHERE ?1 IS NOT NULL AND NOT ${keyTakenSql("?1")}
    RETURNING snapshot`;
  return db.statement(sql, scopeParam(claim), claim?.fingerprint ?? null, claim?.status ?? null, claim?.expiresAt ?? null, ...snapshotParams);
}

/** The snapshot the store statement just wrote, parsed; undefined when it wrote none. */
export function storedSnapshot<Snapshot>(rows: unknown[] | undefined): Snapshot | undefined {
  const row = rows?.[0] as { snapshot: string } | undefined;
  return row && (JSON.parse(row.snapshot) as Snapshot);
}

/** The prior answer's verdict for this request, from priorAnswerStatement's rows; undefined when the key is new. */
export function priorAnswerOutcome<Snapshot>(rows: unknown[] | undefined, claim: IdempotencyClaim | null): PriorAnswerOutcome<Snapshot> | undefined {
  const prior = rows?.[0] as PriorAnswerRow | undefined;
  if (!prior || !claim) return undefined;
  if (prior.fingerprint !== claim.fingerprint) return { outcome: "key_reused" };
  return { outcome: "replayed", status: prior.status, snapshot: JSON.parse(prior.snapshot) as Snapshot };
}

/** The answer stored under the claim's key in this database, alone (one statement): for a key another shard may hold (src/idempotency/on-shards.ts). */
export async function priorAnswer<Snapshot>(db: Database, claim: IdempotencyClaim): Promise<PriorAnswerOutcome<Snapshot> | undefined> {
  return priorAnswerOutcome<Snapshot>(await db.all(priorAnswerStatement(db, claim)), claim);
}
