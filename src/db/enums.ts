// The stored enums, in a module of their own: request schemas and the storage code import
// them without pulling drizzle's table builders into the Worker bundle.
export const SEGMENT_TYPES = ["CONTEXTUAL", "3P"] as const;
export const GROUP_TYPES = ["CONTEXTUAL", "AUDIENCE"] as const;
export const SEGMENT_OPERATORS = ["AND", "OR"] as const;

export type SegmentType = (typeof SEGMENT_TYPES)[number];
export type GroupType = (typeof GROUP_TYPES)[number];
export type SegmentOperator = (typeof SEGMENT_OPERATORS)[number];
