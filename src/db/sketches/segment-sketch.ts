import { jsonParam, type Database } from "../database";
import { keySpacesSql, type SegmentKey } from "../segments/row";
import { CURRENT_VERSION, NEXT_VERSION, type NewSketch, SKETCH_COLUMNS, SKETCH_REPLACE, SKETCH_WRITE_COLUMNS, type SketchRow, sketchValues } from "./row";

// A segment's sketch lives beside the segment the key names for the caller, and follows its
// rules: GET and DELETE /segments/{type}/{id} resolve the key the same way (src/db/segments/).

/** Whose segment a request names: the caller's organizations and, when given, the one it named. */
export interface SketchTarget {
  callerOrganizationIds: Iterable<number>;
  /** The organization whose own segment is meant; null: the segment the key names for the caller (keySpacesSql). */
  organizationId: number | null;
}

/** Why a request's segment is not there to act on; the same answers as the segment routes give. */
export type SegmentRefusal =
  /** Absent from every key space the caller may name: alike whether another organization owns it or nobody does. */
  | { outcome: "not_found" }
  /** Without an organization named, several of the caller's organizations own this key. */
  | { outcome: "ambiguous" }
  /** A global segment, and the caller may not write the global catalog. */
  | { outcome: "global_forbidden" };

/** The segment's key and owner, as the answers name it. */
export interface SketchOwner extends SegmentKey {
  organizationId: number | null;
}

// The segment the key names for the caller (?1 type, ?2 id, ?3 caller organizations, ?4 the
// organization named): at most two rows, two meaning "say which organization". `writable`: that
// segment when it is the only one and the caller may write it (?5: holds write:catalog).
const TARGET = `target AS (SELECT segment_type, segment_id, owner_scope, organization_id FROM segments
  WHERE segment_type = ?1 AND segment_id = ?2 AND ${keySpacesSql("?3", "?4")} ORDER BY owner_scope LIMIT 2)`;
const WRITABLE = `writable AS (SELECT * FROM target WHERE (SELECT count(*) FROM target) = 1 AND (organization_id IS NOT NULL OR ?5))`;
const SAME_KEY = "(k.segment_type, k.segment_id, k.owner_scope) = (t.segment_type, t.segment_id, t.owner_scope)";
// Read first in each write's batch: what the key names, for the refusals.
const STATE = `WITH ${TARGET} SELECT (SELECT count(*) FROM target) AS candidates, (SELECT organization_id FROM target) AS organization_id`;

const BUMP = `WITH ${TARGET}, ${WRITABLE} ${NEXT_VERSION} AND EXISTS (SELECT 1 FROM writable)`;
// ?6 to ?14: sketchValues.
const UPSERT = `WITH ${TARGET}, ${WRITABLE}
  INSERT INTO segment_sketches (segment_type, segment_id, owner_scope, ${SKETCH_WRITE_COLUMNS})
  SELECT segment_type, segment_id, owner_scope, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ${CURRENT_VERSION} FROM writable WHERE true
  ON CONFLICT (segment_type, segment_id, owner_scope) DO UPDATE SET ${SKETCH_REPLACE}
  RETURNING ${SKETCH_COLUMNS}, revision`;
const DELETE = `WITH ${TARGET}, ${WRITABLE}
  DELETE FROM segment_sketches AS k WHERE EXISTS (SELECT 1 FROM writable AS t WHERE ${SAME_KEY}) RETURNING version`;

export type PutSketchOutcome = SegmentRefusal | { outcome: "stored"; created: boolean; owner: SketchOwner; sketch: SketchRow };

/**
 * Stores (or replaces) the sketch of the segment a key names for the caller, in ONE batch: what
 * the key names, a new sketch version, the guarded upsert. Nothing is written unless the key
 * names exactly one segment the caller may write (`mayWriteGlobal` for a global one).
 */
export async function putSegmentSketch(db: Database, key: SegmentKey, target: SketchTarget & { mayWriteGlobal: boolean }, sketch: NewSketch): Promise<PutSketchOutcome> {
  const named = [key.segmentType, key.segmentId, jsonParam(target.callerOrganizationIds), target.organizationId] as const;
  const writable = [...named, target.mayWriteGlobal ? 1 : 0] as const;
  const [state, , stored] = await db.batch([
    db.statement(STATE, ...named),
    db.statement(BUMP, ...writable),
    db.statement(UPSERT, ...writable, ...sketchValues(sketch)),
  ]);
  const refusal = refusalOf(state![0] as TargetState, target.mayWriteGlobal);
  if (refusal) return refusal;
  const { revision, ...row } = stored![0] as SketchRow & { revision: number };
  return { outcome: "stored", created: revision === 1, owner: ownerOf(key, state![0] as TargetState), sketch: row };
}

export type DeleteSketchOutcome = SegmentRefusal | { outcome: "deleted" } | { outcome: "no_sketch" };

/** Deletes the sketch of the segment a key names for the caller, in ONE batch (what the key names, the guarded delete). */
export async function deleteSegmentSketch(db: Database, key: SegmentKey, target: SketchTarget & { mayWriteGlobal: boolean }): Promise<DeleteSketchOutcome> {
  const named = [key.segmentType, key.segmentId, jsonParam(target.callerOrganizationIds), target.organizationId] as const;
  const [state, deleted] = await db.batch([db.statement(STATE, ...named), db.statement(DELETE, ...named, target.mayWriteGlobal ? 1 : 0)]);
  const refusal = refusalOf(state![0] as TargetState, target.mayWriteGlobal);
  if (refusal) return refusal;
  return deleted!.length > 0 ? { outcome: "deleted" } : { outcome: "no_sketch" };
}

// The segment (a subquery, so that keySpacesSql's owner_scope is the segment's) and its sketch, if any.
const FIND = `SELECT t.organization_id, ${SKETCH_COLUMNS.split(", ").map((c) => `k.${c}`).join(", ")}, CASE WHEN ?5 THEN hex(k.sketch) END AS sketch_hex
  FROM (SELECT segment_type, segment_id, owner_scope, organization_id FROM segments
    WHERE segment_type = ?1 AND segment_id = ?2 AND ${keySpacesSql("?3", "?4")} ORDER BY owner_scope LIMIT 2) AS t
  LEFT JOIN segment_sketches AS k ON ${SAME_KEY}`;

export type FindSketchOutcome =
  | Exclude<SegmentRefusal, { outcome: "global_forbidden" }>
  | { outcome: "no_sketch" }
  | { outcome: "found"; owner: SketchOwner; sketch: SketchRow; hex?: string };

/** The sketch of the segment a key names for the caller, in ONE query; `withBytes`: its bytes too, as hex. */
export async function findSegmentSketch(db: Database, key: SegmentKey, target: SketchTarget, withBytes: boolean): Promise<FindSketchOutcome> {
  const rows = await db.all<SketchRow & { organization_id: number | null; sketch_hex: string | null }>(
    db.statement(FIND, key.segmentType, key.segmentId, jsonParam(target.callerOrganizationIds), target.organizationId, withBytes ? 1 : 0),
  );
  if (rows.length === 0) return { outcome: "not_found" };
  if (rows.length > 1) return { outcome: "ambiguous" };
  const { organization_id, sketch_hex, ...sketch } = rows[0]!;
  if (sketch.version === null) return { outcome: "no_sketch" };
  const owner = { ...key, organizationId: organization_id };
  return sketch_hex === null ? { outcome: "found", owner, sketch } : { outcome: "found", owner, sketch, hex: sketch_hex };
}

interface TargetState {
  candidates: number;
  organization_id: number | null;
}

function refusalOf(state: TargetState, mayWriteGlobal: boolean): SegmentRefusal | undefined {
  if (state.candidates === 0) return { outcome: "not_found" };
  if (state.candidates > 1) return { outcome: "ambiguous" };
  if (state.organization_id === null && !mayWriteGlobal) return { outcome: "global_forbidden" };
  return undefined;
}

function ownerOf(key: SegmentKey, state: TargetState): SketchOwner {
  return { ...key, organizationId: state.organization_id };
}
