import { describe, expect, it } from "vitest";
import type { GroupLogic } from "../../src/logic/group-logic";
import { decodeCompactThetaSketch, estimateGroupReach, planNeedsUniverse, type SketchSummary, UniverseRequiredError } from "../../src/sketch";
import type { ThetaSketch } from "../../src/sketch/theta-sketch";
import { type ExpectedSummary, manifest, type PlanVector, relativeDifference, sketchBytes } from "./theta-fixtures";

// Each member of a plan names a sketch of the vectors; as a catalog segment it is 3P:<index>.
const names = manifest.sketches.map((vector) => vector.name);
const toGroup = (plan: PlanVector): GroupLogic => ({
  subgroup_operator: plan.subgroup_operator,
  segment_subgroup: plan.segment_subgroup.map((subgroup) => ({
    segment_operator: subgroup.segment_operator,
    exclude: subgroup.exclude,
    segment_members: subgroup.members.map((name) => ({ segment_type: "3P" as const, segment_id: names.indexOf(name) })),
  })),
});

function fixtureLoader(options: { universe?: boolean } = {}) {
  const loaded: string[] = [];
  return {
    loaded,
    member: async ({ segment_id }: { segment_id: number }) => {
      loaded.push(names[segment_id]!);
      return decodeCompactThetaSketch(sketchBytes(names[segment_id]!));
    },
    universe: async (): Promise<ThetaSketch | undefined> =>
      options.universe === false ? undefined : decodeCompactThetaSketch(sketchBytes("universe")),
  };
}

function expectSameAsDataSketches(actual: SketchSummary, expected: ExpectedSummary, label: string) {
  expect(actual.retained_entries, `${label}: retained entries`).toBe(expected.retained_entries);
  expect(actual.theta, `${label}: theta`).toBe(expected.theta);
  for (const key of ["estimate", "lower_bound", "upper_bound"] as const) {
    expect(relativeDifference(actual[key], expected[key]), `${label}: ${key} ${actual[key]} against ${expected[key]}`).toBeLessThanOrEqual(1e-9);
  }
}

describe("estimateGroupReach follows the plan as DataSketches computes it", () => {
  it.each(manifest.plans.map((plan) => [plan.name, plan] as const))("%s: the group and every subgroup", async (_, plan) => {
    const reach = await estimateGroupReach(toGroup(plan), fixtureLoader());
    expectSameAsDataSketches(reach.group, plan.expected, "group");
    plan.segment_subgroup.forEach((subgroup, i) => {
      expectSameAsDataSketches(reach.subgroups[i]!, subgroup.expected, `subgroup ${i}`);
    });
  });

  const catalogPlans = manifest.plans.filter((plan) => plan.expected.true_count !== null);
  it.each(catalogPlans.map((plan) => [plan.name, plan] as const))("%s: the true counts lie within the bounds", async (_, plan) => {
    const reach = await estimateGroupReach(toGroup(plan), fixtureLoader());
    const within = (summary: SketchSummary, truth: number) => summary.lower_bound <= truth && truth <= summary.upper_bound;
    expect(within(reach.group, plan.expected.true_count!), JSON.stringify({ ...reach.group, truth: plan.expected.true_count })).toBe(true);
    plan.segment_subgroup.forEach((subgroup, i) => {
      expect(within(reach.subgroups[i]!, subgroup.expected.true_count!), `subgroup ${i}`).toBe(true);
    });
  });

  it("passes the lg_k 12 union's rebuild point, with the same result in another order", () => {
    const [rebuilt, reordered] = ["union_rebuild", "union_rebuild_reordered"].map(
      (name) => manifest.plans.find((plan) => plan.name === name)!.segment_subgroup[0]!.expected,
    );
    // About 7,700 distinct users in exact-mode sketches: more than the 7,680 the union holds.
    expect(rebuilt!.retained_entries).toBe(4096);
    expect(rebuilt!.theta).toBeLessThan(1);
    expect(reordered).toEqual(rebuilt);
  });

  it("loads members one at a time, in plan order: included subgroups, then excluded ones for AND", async () => {
    const plan = manifest.plans.find((candidate) => candidate.name === "and_exclusions_in_order")!;
    const loader = fixtureLoader();
    await estimateGroupReach(toGroup(plan), loader);
    expect(loader.loaded).toEqual(["news", "sports", "travel", "auto", "empty", "tiny"]);
  });

  it("needs the universe for an OR group that excludes, and for an AND group that includes nothing", async () => {
    const subgroup = (exclude: boolean) => ({ segment_operator: "OR" as const, exclude, segment_members: [{ segment_type: "3P" as const, segment_id: names.indexOf("sports") }] });
    expect(planNeedsUniverse({ subgroup_operator: "OR", segment_subgroup: [subgroup(false), subgroup(true)] })).toBe(true);
    expect(planNeedsUniverse({ subgroup_operator: "OR", segment_subgroup: [subgroup(false)] })).toBe(false);
    expect(planNeedsUniverse({ subgroup_operator: "AND", segment_subgroup: [subgroup(false), subgroup(true)] })).toBe(false);
    expect(planNeedsUniverse({ subgroup_operator: "AND", segment_subgroup: [subgroup(true)] })).toBe(true);
    const group: GroupLogic = { subgroup_operator: "OR", segment_subgroup: [subgroup(false), subgroup(true)] };
    await expect(estimateGroupReach(group, fixtureLoader({ universe: false }))).rejects.toThrow(UniverseRequiredError);
  });
});
