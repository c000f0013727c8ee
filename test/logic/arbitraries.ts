import fc from "fast-check";
import type { GroupLogic, SubgroupLogic } from "../../src/logic/group-logic";

/** Fixed, so a failure replays exactly; fast-check prints it (with the shrunk case) when a property fails. */
export const SEED = 20_261_127;

// A small catalog, so random users and groups share segments often.
const segment = fc.record({ segment_type: fc.constantFrom("CONTEXTUAL" as const, "3P" as const), segment_id: fc.integer({ min: 1, max: 6 }) });
const operator = fc.constantFrom("AND" as const, "OR" as const);

const subgroup: fc.Arbitrary<SubgroupLogic> = fc.record({
  segment_operator: operator,
  exclude: fc.boolean(),
  // No segment twice in one subgroup, as the API requires.
  segment_members: fc.uniqueArray(segment, { minLength: 1, maxLength: 5, selector: (s) => `${s.segment_type}:${s.segment_id}` }),
});

/** Any group the API would store: 1–6 subgroups, at least one of them not excluded. */
export const groupLogic: fc.Arbitrary<GroupLogic> = fc
  .record({ subgroup_operator: operator, segment_subgroup: fc.array(subgroup, { minLength: 1, maxLength: 6 }) })
  .filter((g) => g.segment_subgroup.some((s) => !s.exclude));

/** The segments a user is in, repeats allowed (the API accepts them). */
export const userSegments = fc.array(segment, { maxLength: 12 });
