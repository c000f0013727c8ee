import { segmentKey, type GroupLogic } from "./group-logic";

/**
 * The group's logic as one canonical line, e.g. `(CONTEXTUAL:101 AND 3P:201) AND NOT (3P:301)`:
 * subgroups in order joined by `subgroup_operator`, each in parentheses with its members in
 * order joined by its `segment_operator`, `NOT ` before an excluded one. Grammar (docs/api.md,
 * "Group logic"; parsed back by test/logic/expression.test.ts):
 *
 *   expression = subgroup *( " " operator " " subgroup )
 *   subgroup   = [ "NOT " ] "(" atom *( " " operator " " atom ) ")"
 *   atom       = segment_type ":" segment_id
 *   operator   = "AND" / "OR"
 */
export function groupExpression(group: GroupLogic): string {
  return group.segment_subgroup
    .map((subgroup) => {
      const members = subgroup.segment_members.map(segmentKey).join(` ${subgroup.segment_operator} `);
      return `${subgroup.exclude ? "NOT " : ""}(${members})`;
    })
    .join(` ${group.subgroup_operator} `);
}
