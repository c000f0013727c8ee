import * as z from "zod/mini";
import { queryEnum } from "../../validation/query-enum";
import { segmentGroupSchema } from "./schemas";

/**
 * `?dry_run=true` on POST and PATCH: every check of the real request, nothing written. Any
 * other value is a 400 on `dry_run`; other parameters are ignored, as without it. Optional as
 * a whole, so the typed client needs no `query` for a real write.
 */
export const dryRunQuerySchema = z.optional(
  z.object({
    dry_run: z
      .optional(z.pipe(queryEnum(["true"]), z.transform(() => true)))
      .register(z.globalRegistry, { description: "`true`: run every check and answer 200 with the group as it would be stored, writing nothing." }),
  }),
);

/** Whether the request asked for a dry run. */
export function isDryRun(query: z.output<typeof dryRunQuerySchema>): boolean {
  return query?.dry_run === true;
}

/** A create's dry run: the group as it would be stored, without the id only a real create assigns. */
export const segmentGroupDraftSchema = z.omit(segmentGroupSchema, { id: true }).register(z.globalRegistry, { id: "SegmentGroupDraft" });
