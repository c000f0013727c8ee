import type { core } from "zod/mini";

/**
 * A zod refinement of `segment_subgroup`: a group whose every subgroup is excluded would match
 * almost everyone, so it is a 400 `only_exclusions` on the array, reported with the body's
 * other problems. Subgroups that are not objects are left to their own issues.
 */
export function rejectOnlyExclusions(subgroups: unknown[], ctx: core.$RefinementCtx<unknown[]>) {
  const excluded = (subgroup: unknown) => (subgroup as { exclude?: unknown } | null)?.exclude === true;
  if (subgroups.length > 0 && subgroups.every(excluded)) {
    ctx.addIssue({
      code: "custom",
      message: "excludes every subgroup, so the group would match almost everyone; include at least one subgroup",
      params: { code: "only_exclusions" },
    });
  }
}
