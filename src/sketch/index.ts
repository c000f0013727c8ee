// Theta sketches, byte-compatible with Apache DataSketches: read the compact forms, estimate
// with its bounds, and combine with its union, intersection and A-not-B. docs/reach.md.
export { aNotB } from "./a-not-b";
export { DEFAULT_SEED_HASH, decodeCompactThetaSketch, MAX_RETAINED_ENTRIES, MAX_SKETCH_BYTES } from "./decode-compact-sketch";
export { estimateGroupReach, type GroupReach, planNeedsUniverse, type SketchLoader, UniverseRequiredError } from "./group-reach";
export { InvalidSketchError } from "./invalid-sketch-error";
export { type SketchSummary, summarizeSketch } from "./summarize";
export { ThetaIntersection } from "./theta-intersection";
export type { ThetaSketch } from "./theta-sketch";
export { ThetaUnion, UNION_LG_K } from "./theta-union";
