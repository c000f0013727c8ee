import type { Database } from "../db/database";
import { SketchGoneError, storedSketchLoader } from "../db/sketches/load";
import type { ReachInputs } from "../db/sketches/reach-inputs";
import { ApiError, type ErrorDetail } from "../errors";
import type { GroupLogic } from "../logic/group-logic";
import { estimateGroupReach, planNeedsUniverse, type SketchSummary, UniverseRequiredError } from "../sketch";
import { sketchMissingDetail, UNIVERSE_REQUIRED } from "./errors";
import type { GroupReachData } from "./schemas";

/**
 * A group's reach from its stored sketches, by the plan of src/sketch/group-reach.ts. Before any
 * sketch is read, every member without one is a 422 `sketch_missing` and a plan needing the
 * missing universe a 422 `universe_required`, all in one answer. The sketches are then read in
 * chunks as the plan asks for them (src/db/sketches/load.ts).
 */
export async function computeReach(db: Database, logic: GroupLogic, organizationId: number, inputs: ReachInputs): Promise<GroupReachData> {
  const needsUniverse = planNeedsUniverse(logic);
  const problems: ErrorDetail[] = inputs.members
    .filter((state) => state.version === null)
    .map(({ subgroup, member }) => sketchMissingDetail(subgroup, member, logic.segment_subgroup[subgroup]!.segment_members[member]!));
  if (needsUniverse && !inputs.universe) problems.push(UNIVERSE_REQUIRED);
  if (problems.length > 0) throw new ApiError(problems);

  let reach: Awaited<ReturnType<typeof estimateGroupReach>>;
  try {
    reach = await estimateGroupReach(logic, storedSketchLoader(db, logic, organizationId, inputs));
  } catch (err) {
    // A sketch deleted since the first read: answered as if it had been missing then.
    if (err instanceof SketchGoneError) {
      throw new ApiError(sketchMissingDetail(err.subgroup, err.member, logic.segment_subgroup[err.subgroup]!.segment_members[err.member]!));
    }
    if (err instanceof UniverseRequiredError) throw new ApiError(UNIVERSE_REQUIRED);
    throw err;
  }
  const updates = inputs.members.map((state) => state.updated_at!);
  if (needsUniverse) updates.push(inputs.universe!.updated_at);
  return {
    ...estimateOf(reach.group),
    segment_subgroup: reach.subgroups.map(estimateOf),
    // ISO 8601 timestamps of one format: the newest sorts last.
    sketches_updated_at: updates.sort().at(-1)!,
  };
}

function estimateOf(summary: SketchSummary) {
  return { estimate: summary.estimate, lower_bound: summary.lower_bound, upper_bound: summary.upper_bound };
}
