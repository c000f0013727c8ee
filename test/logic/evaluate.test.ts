import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateGroup, indexUserSegments } from "../../src/logic/evaluate";
import type { GroupLogic } from "../../src/logic/group-logic";
import { groupLogic, SEED, userSegments } from "./arbitraries";

type Segment = { segment_type: string; segment_id: number };

/**
 * The rules written a second way, straight from the README: a member matches when the user's
 * list holds it; count the matching members; an excluded subgroup flips; AND needs no false
 * contribution, OR at least one true.
 */
function referenceEvaluate(group: GroupLogic, user: Segment[]) {
  const subgroups = group.segment_subgroup.map((subgroup) => {
    let hits = 0;
    for (const m of subgroup.segment_members) {
      if (user.some((u) => u.segment_type === m.segment_type && u.segment_id === m.segment_id)) hits += 1;
    }
    return { matched: subgroup.segment_operator === "AND" ? hits === subgroup.segment_members.length : hits > 0 };
  });
  let trues = 0;
  subgroups.forEach((s, i) => {
    if (s.matched !== group.segment_subgroup[i]!.exclude) trues += 1;
  });
  const matched = group.subgroup_operator === "AND" ? trues === subgroups.length : trues > 0;
  return { matched, subgroups };
}

const seg = (key: string): Segment => {
  const [segment_type, id] = key.split(":");
  return { segment_type: segment_type!, segment_id: Number(id) };
};
const group = (subgroup_operator: "AND" | "OR", ...subgroups: [op: "AND" | "OR", exclude: boolean, members: string[]][]): GroupLogic => ({
  subgroup_operator,
  segment_subgroup: subgroups.map(([segment_operator, exclude, members]) => ({
    segment_operator,
    exclude,
    segment_members: members.map(seg) as GroupLogic["segment_subgroup"][number]["segment_members"],
  })),
});
const evaluate = (g: GroupLogic, user: string[]) => evaluateGroup(g, indexUserSegments(user.map(seg)));

describe("evaluateGroup", () => {
  // docs/api.md "Group logic", example 1: (CONTEXTUAL:101 AND 3P:201) AND NOT (3P:301)
  const runnersNotMembers = group("AND", ["AND", false, ["CONTEXTUAL:101", "3P:201"]], ["OR", true, ["3P:301"]]);

  it("AND of subgroups, an excluded one negated", () => {
    expect(evaluate(runnersNotMembers, ["CONTEXTUAL:101", "3P:201"])).toEqual({ matched: true, subgroups: [{ matched: true }, { matched: false }] });
    expect(evaluate(runnersNotMembers, ["CONTEXTUAL:101", "3P:201", "3P:301"])).toEqual({ matched: false, subgroups: [{ matched: true }, { matched: true }] });
    expect(evaluate(runnersNotMembers, ["CONTEXTUAL:101"])).toEqual({ matched: false, subgroups: [{ matched: false }, { matched: false }] });
  });

  it("OR of subgroups", () => {
    const either = group("OR", ["AND", false, ["CONTEXTUAL:102", "3P:202"]], ["OR", false, ["CONTEXTUAL:101", "3P:201"]]);
    expect(evaluate(either, ["3P:201"])).toEqual({ matched: true, subgroups: [{ matched: false }, { matched: true }] });
    expect(evaluate(either, ["CONTEXTUAL:102"])).toEqual({ matched: false, subgroups: [{ matched: false }, { matched: false }] });
    expect(evaluate(either, ["CONTEXTUAL:102", "3P:202"]).matched).toBe(true);
  });

  it("OR with an excluded subgroup matches whoever is outside it", () => {
    const flyersOrNotAuto = group("OR", ["OR", false, ["3P:202"]], ["OR", true, ["CONTEXTUAL:103"]]);
    expect(evaluate(flyersOrNotAuto, [])).toEqual({ matched: true, subgroups: [{ matched: false }, { matched: false }] });
    expect(evaluate(flyersOrNotAuto, ["CONTEXTUAL:103"])).toEqual({ matched: false, subgroups: [{ matched: false }, { matched: true }] });
    expect(evaluate(flyersOrNotAuto, ["CONTEXTUAL:103", "3P:202"]).matched).toBe(true);
  });

  it("tells segment types apart (3P:101 is not CONTEXTUAL:101)", () => {
    expect(evaluate(group("AND", ["AND", false, ["CONTEXTUAL:101"]]), ["3P:101"]).matched).toBe(false);
  });

  it("agrees with an independent reference evaluator on random groups and users (fast-check)", () => {
    fc.assert(
      fc.property(groupLogic, userSegments, (g, user) => {
        expect(evaluateGroup(g, indexUserSegments(user))).toEqual(referenceEvaluate(g, user));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
});
