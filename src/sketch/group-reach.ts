import type { GroupLogic, SubgroupLogic } from "../logic/group-logic";
import { aNotB } from "./a-not-b";
import { toOrdered } from "./sort-hashes";
import { type SketchSummary, summarizeSketch } from "./summarize";
import { ThetaIntersection } from "./theta-intersection";
import type { ThetaSketch } from "./theta-sketch";
import { ThetaUnion } from "./theta-union";

export type SegmentMember = SubgroupLogic["segment_members"][number];

/** Where the plan gets its sketches: one member at a time, and the universe when it needs it. */
export interface SketchLoader {
  /** The member's sketch; `subgroup` and `member` are its indexes in the group. */
  member(segment: SegmentMember, subgroup: number, member: number): Promise<ThetaSketch>;
  /** The universe's sketch, or undefined when none is stored. */
  universe(): Promise<ThetaSketch | undefined>;
}

export interface GroupReach {
  group: SketchSummary;
  /** Per subgroup, in order: its members combined by its operator, before its `exclude`. */
  subgroups: SketchSummary[];
}

/** The plan needs the universe sketch: an OR group that excludes, or an AND group including nothing. */
export function planNeedsUniverse(group: GroupLogic): boolean {
  const excluded = group.segment_subgroup.filter((subgroup) => subgroup.exclude).length;
  if (group.subgroup_operator === "OR") return excluded > 0;
  return excluded === group.segment_subgroup.length;
}

export class UniverseRequiredError extends Error {
  override readonly name = "UniverseRequiredError";
}

/**
 * The reach of a group, by a fixed plan so the same sketches always give the same numbers
 * (DataSketches' own for the plan): a subgroup is the union (OR, lg_k 12) or intersection (AND)
 * of its members' sketches in member order; an AND group is the intersection of its included
 * subgroups in order, then A-not-B by each excluded subgroup in order; an OR group is the union,
 * in subgroup order, of each included subgroup and of (universe A-not-B each excluded one).
 * Sketches are loaded one at a time and dropped once added, so memory holds the universe, one
 * member and the running results, whatever the number of members.
 *
 * @example await estimateGroupReach(group, { member: loadSegmentSketch, universe: loadUniverseSketch })
 */
export async function estimateGroupReach(group: GroupLogic, loader: SketchLoader): Promise<GroupReach> {
  const needsUniverse = planNeedsUniverse(group);
  const universe = needsUniverse ? await loader.universe() : undefined;
  if (needsUniverse && !universe) throw new UniverseRequiredError("the plan takes a complement and no universe sketch is stored");
  const subgroups: SketchSummary[] = new Array(group.segment_subgroup.length);
  const combine = async (index: number): Promise<ThetaSketch> => {
    const sketch = await combineSubgroup(group.segment_subgroup[index]!, index, loader);
    subgroups[index] = summarizeSketch(sketch);
    return sketch;
  };
  const indexes = group.segment_subgroup.map((_, index) => index);
  const included = indexes.filter((index) => !group.segment_subgroup[index]!.exclude);
  const excluded = indexes.filter((index) => group.segment_subgroup[index]!.exclude);
  let result: ThetaSketch;
  if (group.subgroup_operator === "AND") {
    const intersection = new ThetaIntersection();
    for (const index of included) intersection.update(await combine(index));
    result = included.length > 0 ? intersection.result() : toOrdered(universe!);
    for (const index of excluded) result = aNotB(result, await combine(index));
  } else {
    const union = new ThetaUnion();
    for (const index of indexes) {
      const sketch = await combine(index);
      union.update(group.segment_subgroup[index]!.exclude ? aNotB(universe!, sketch) : sketch);
    }
    result = union.result();
  }
  return { group: summarizeSketch(result), subgroups };
}

async function combineSubgroup(subgroup: SubgroupLogic, index: number, loader: SketchLoader): Promise<ThetaSketch> {
  const members = subgroup.segment_members;
  if (subgroup.segment_operator === "OR") {
    const union = new ThetaUnion();
    for (let i = 0; i < members.length; i++) union.update(await loader.member(members[i]!, index, i));
    return union.result();
  }
  const intersection = new ThetaIntersection();
  for (let i = 0; i < members.length; i++) intersection.update(await loader.member(members[i]!, index, i));
  return intersection.result();
}
