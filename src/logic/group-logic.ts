import type { SegmentOperator, SegmentType } from "../db/enums";

// Pure: no imports but types, so the Worker, the tests and `npm run bench:evaluate` (plain
// Node) all load it as it is.

/** What decides whether a group matches: its subgroups and how they combine. */
export interface GroupLogic {
  subgroup_operator: SegmentOperator;
  segment_subgroup: readonly SubgroupLogic[];
}

export interface SubgroupLogic {
  segment_operator: SegmentOperator;
  exclude: boolean;
  segment_members: readonly { segment_type: SegmentType; segment_id: number }[];
}

/** A catalog segment as one string, `TYPE:ID` (e.g. `3P:201`): set keys and expression atoms. */
export function segmentKey(segment: { segment_type: string; segment_id: number }): string {
  return `${segment.segment_type}:${segment.segment_id}`;
}
