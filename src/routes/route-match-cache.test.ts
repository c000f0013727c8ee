import { TrieRouter } from "hono/router/trie-router";
import { describe, expect, it } from "vitest";
import { routerRememberingMatches } from "./route-match-cache";

/** A TrieRouter that counts how often it really matches. */
function countingRouter() {
  const inner = new TrieRouter<string>();
  const counted = { matches: 0, router: inner };
  const match = inner.match.bind(inner);
  inner.match = (method, path) => {
    counted.matches++;
    return match(method, path);
  };
  return counted;
}

describe("routerRememberingMatches", () => {
  it("matches a method and path once, then answers the same result from memory", () => {
    const counted = countingRouter();
    const router = routerRememberingMatches(counted.router);
    router.add("POST", "/things", "create");
    router.add("GET", "/things/:id", "read");
    const first = router.match("GET", "/things/42");
    expect(router.match("GET", "/things/42")).toBe(first);
    expect(first[0].map(([handler, params]) => [handler, params])).toEqual([["read", { id: "42" }]]);
    expect(router.match("POST", "/things")[0].map(([handler]) => handler)).toEqual(["create"]);
    expect(counted.matches).toBe(2);
  });

  it("forgets what it matched when a route is added", () => {
    const router = routerRememberingMatches(new TrieRouter<string>());
    router.add("GET", "/things", "list");
    expect(router.match("GET", "/things/changes")[0]).toEqual([]);
    router.add("GET", "/things/changes", "feed");
    expect(router.match("GET", "/things/changes")[0].map(([handler]) => handler)).toEqual(["feed"]);
  });

  it("matches long paths every time instead of holding them in memory", () => {
    const counted = countingRouter();
    const router = routerRememberingMatches(counted.router);
    router.add("GET", "/things/:id", "read");
    const long = `/things/${"x".repeat(300)}`;
    router.match("GET", long);
    router.match("GET", long);
    expect(counted.matches).toBe(2);
  });
});
