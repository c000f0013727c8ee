import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateGroup, indexUserSegments } from "../../src/logic/evaluate";
import { groupExpression } from "../../src/logic/expression";
import type { GroupLogic, SubgroupLogic } from "../../src/logic/group-logic";
import { groupLogic, SEED, userSegments } from "./arbitraries";

/**
 * A parser for the documented grammar (docs/api.md, "Group logic"), written from the grammar alone:
 *   expression = subgroup *( " " operator " " subgroup )
 *   subgroup   = [ "NOT " ] "(" atom *( " " operator " " atom ) ")"
 *   atom       = segment_type ":" segment_id ; operator = "AND" / "OR"
 * Every operator at one level must be the same. A level with one item has no operator to
 * read; it parses as AND (which means the same there).
 */
function parseExpression(text: string): GroupLogic {
  const tokens = text.split(/(\(|\)| )/).filter((t) => t !== "" && t !== " ");
  if (tokens.join(" ").replace(/\( /g, "(").replace(/ \)/g, ")") !== text) throw new Error(`not canonical spacing: ${text}`);
  let at = 0;
  const next = () => tokens[at++];
  const take = (token: string) => {
    if (next() !== token) throw new Error(`expected ${token} at token ${at - 1} of ${text}`);
  };
  const operatorOf = (ops: string[]) => {
    if (new Set(ops).size > 1) throw new Error(`mixed operators at one level: ${text}`);
    return (ops[0] ?? "AND") as "AND" | "OR";
  };

  function subgroup(): SubgroupLogic {
    const exclude = tokens[at] === "NOT";
    if (exclude) next();
    take("(");
    const members: SubgroupLogic["segment_members"][number][] = [];
    const ops: string[] = [];
    for (;;) {
      const match = /^(CONTEXTUAL|3P):([1-9][0-9]*)$/.exec(next() ?? "");
      if (!match) throw new Error(`expected an atom at token ${at - 1} of ${text}`);
      members.push({ segment_type: match[1] as "CONTEXTUAL" | "3P", segment_id: Number(match[2]) });
      const token = next();
      if (token === ")") break;
      if (token !== "AND" && token !== "OR") throw new Error(`expected AND, OR or ) at token ${at - 1} of ${text}`);
      ops.push(token);
    }
    return { segment_operator: operatorOf(ops), exclude, segment_members: members };
  }

  const subgroups = [subgroup()];
  const ops: string[] = [];
  while (at < tokens.length) {
    ops.push(next()!);
    if (ops.at(-1) !== "AND" && ops.at(-1) !== "OR") throw new Error(`expected AND or OR between subgroups: ${text}`);
    subgroups.push(subgroup());
  }
  return { subgroup_operator: operatorOf(ops), segment_subgroup: subgroups };
}

/** The group with each operator that joins a single item written AND, as the parser reads it. */
function normalized(group: GroupLogic): GroupLogic {
  return {
    subgroup_operator: group.segment_subgroup.length === 1 ? "AND" : group.subgroup_operator,
    segment_subgroup: group.segment_subgroup.map((s) => ({ ...s, segment_operator: s.segment_members.length === 1 ? "AND" : s.segment_operator })),
  };
}

describe("groupExpression", () => {
  it("writes subgroups and members in order, TYPE:ID atoms, every subgroup in parentheses, NOT before an excluded one", () => {
    const group: GroupLogic = {
      subgroup_operator: "AND",
      segment_subgroup: [
        { segment_operator: "AND", exclude: false, segment_members: [{ segment_type: "CONTEXTUAL", segment_id: 101 }, { segment_type: "3P", segment_id: 201 }] },
        { segment_operator: "OR", exclude: true, segment_members: [{ segment_type: "3P", segment_id: 301 }] },
      ],
    };
    expect(groupExpression(group)).toBe("(CONTEXTUAL:101 AND 3P:201) AND NOT (3P:301)");
    expect(groupExpression({ ...group, subgroup_operator: "OR" })).toBe("(CONTEXTUAL:101 AND 3P:201) OR NOT (3P:301)");
  });

  it("the test's parser is strict: it refuses what the grammar does not allow", () => {
    for (const bad of ["(3P:1 AND 3P:2 OR 3P:3)", "3P:1", "(3P:1) AND (3P:2) OR (3P:3)", "NOT(3P:1)", "(3P:01)", "(OTHER:1)", "(3P:1)  AND (3P:2)"]) {
      expect(() => parseExpression(bad), bad).toThrow();
    }
    expect(parseExpression("(CONTEXTUAL:101 AND 3P:201) AND NOT (3P:301)").segment_subgroup[1]).toEqual({
      segment_operator: "AND",
      exclude: true,
      segment_members: [{ segment_type: "3P", segment_id: 301 }],
    });
  });

  it("parses back to the same group logic, which evaluates the same for any user (fast-check)", () => {
    fc.assert(
      fc.property(groupLogic, userSegments, (group, user) => {
        const parsed = parseExpression(groupExpression(group));
        expect(parsed).toEqual(normalized(group));
        expect(evaluateGroup(parsed, indexUserSegments(user))).toEqual(evaluateGroup(group, indexUserSegments(user)));
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});
