import { jsonParam, type Database } from "../database";
import { SEGMENT_COLUMNS, visibleToSql, type SegmentKey, type SegmentRow } from "./row";

const FIND = `SELECT ${SEGMENT_COLUMNS} FROM segments WHERE segment_type = ?1 AND segment_id = ?2 AND ${visibleToSql("?3")}`;

/** One segment the caller may see, in ONE query; undefined when absent or another organization's. */
export function findSegment(db: Database, key: SegmentKey, organizationIds: Iterable<number>): Promise<SegmentRow | undefined> {
  return db.first<SegmentRow>(db.statement(FIND, key.segmentType, key.segmentId, jsonParam(organizationIds)));
}
