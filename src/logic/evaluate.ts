import { segmentKey, type GroupLogic, type SubgroupLogic } from "./group-logic";

export interface Evaluation {
  matched: boolean;
  /** Per subgroup, in order: whether its members, joined by its operator, match (before `exclude`). */
  subgroups: { matched: boolean }[];
}

/**
 * Whether a group matches a user, given the catalog segments the user is in. A subgroup
 * matches when its members joined by its `segment_operator` do; an excluded subgroup
 * contributes the negation of that; the contributions are joined by `subgroup_operator`.
 * Linear in members + user segments (one Set lookup per member).
 *
 * @example evaluateGroup(group, new Set(["3P:201"])).matched
 */
export function evaluateGroup(group: GroupLogic, userSegments: ReadonlySet<string>): Evaluation {
  const subgroups = group.segment_subgroup.map((subgroup) => ({ matched: subgroupMatches(subgroup, userSegments) }));
  const contributions = subgroups.map((s, i) => s.matched !== group.segment_subgroup[i]!.exclude);
  const matched = group.subgroup_operator === "AND" ? contributions.every(Boolean) : contributions.some(Boolean);
  return { matched, subgroups };
}

/** The user's segments as the evaluator's Set of `TYPE:ID` keys (repeats collapse). */
export function userSegmentSet(segments: readonly { segment_type: string; segment_id: number }[]): Set<string> {
  return new Set(segments.map(segmentKey));
}

function subgroupMatches(subgroup: SubgroupLogic, userSegments: ReadonlySet<string>): boolean {
  const has = (member: SubgroupLogic["segment_members"][number]) => userSegments.has(segmentKey(member));
  return subgroup.segment_operator === "AND" ? subgroup.segment_members.every(has) : subgroup.segment_members.some(has);
}
