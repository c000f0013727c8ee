import type { core } from "zod/mini";

/**
 * A zod array refinement reporting each element that repeats an earlier element's
 * `(segment_type, segment_id)` as `duplicate_segment` on its `segment_id`; `repeats(first)`
 * words the message. Use it with `when`, so repeats are reported together with every other
 * problem in the body; malformed elements are skipped (their own issues describe them).
 *
 * @example z.array(member).check(z.superRefine(rejectRepeatedSegments((i) => `repeats items[${i}]`), { when }))
 */
export function rejectRepeatedSegments(repeats: (firstIndex: number) => string) {
  return function checkRepeatedSegments(elements: unknown[], ctx: core.$RefinementCtx<unknown[]>) {
    // Index of each segment's first element, per type then id: number keys, no key string per element.
    const firstSeen = new Map<string, Map<number, number>>();
    elements.forEach((element, index) => {
      const e = element as { segment_type?: unknown; segment_id?: unknown } | null;
      if (!e || typeof e.segment_id !== "number" || typeof e.segment_type !== "string") return;
      let ofType = firstSeen.get(e.segment_type);
      if (!ofType) firstSeen.set(e.segment_type, (ofType = new Map()));
      const first = ofType.get(e.segment_id);
      if (first === undefined) ofType.set(e.segment_id, index);
      else ctx.addIssue({ code: "custom", path: [index, "segment_id"], message: repeats(first), params: { code: "duplicate_segment" } });
    });
  };
}
