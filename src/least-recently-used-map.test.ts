import { describe, expect, it } from "vitest";
import { LeastRecentlyUsedMap } from "./least-recently-used-map";

describe("LeastRecentlyUsedMap", () => {
  it("never holds more than its capacity, dropping the least recently used entry", () => {
    const map = new LeastRecentlyUsedMap<string, number>(2);
    map.set("a", 1);
    map.set("b", 2);
    expect(map.get("a")).toBe(1); // "b" is now the least recently used
    map.set("c", 3);
    expect(map.size).toBe(2);
    expect([map.get("a"), map.get("b"), map.get("c")]).toEqual([1, undefined, 3]);
  });

  it("counts an overwritten key once and marks it recent", () => {
    const map = new LeastRecentlyUsedMap<string, number>(2);
    map.set("a", 1);
    map.set("b", 2);
    map.set("a", 10);
    map.set("c", 3);
    expect([map.get("a"), map.get("b"), map.get("c")]).toEqual([10, undefined, 3]);
  });
});
