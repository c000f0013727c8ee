import type { Result, Router } from "hono/router";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { SmartRouter } from "hono/router/smart-router";
import { TrieRouter } from "hono/router/trie-router";
import { LeastRecentlyUsedMap } from "../least-recently-used-map";

/** Matches an isolate remembers at most: the API's fixed paths, plus recent ones with ids in them. */
const MAX_REMEMBERED_MATCHES = 256;
// Longer paths are matched every time rather than held in memory.
const MAX_REMEMBERED_PATH_LENGTH = 256;

/**
 * Hono's default router (SmartRouter over RegExpRouter and TrieRouter), remembering the match
 * for each recent method and path: the route table is fixed once the app is built, and matching
 * the same path again through the trie was about 8 % of a create's CPU (npm run profile). Hono
 * only reads a match result, so one result can serve many requests.
 *
 * @example new Hono({ router: routerRememberingMatches() })
 */
export function routerRememberingMatches<T>(router: Router<T> = new SmartRouter<T>({ routers: [new RegExpRouter(), new TrieRouter()] })): Router<T> {
  const matches = new LeastRecentlyUsedMap<string, Result<T>>(MAX_REMEMBERED_MATCHES);
  return {
    get name() {
      return `remembering ${router.name}`;
    },
    add(method, path, handler) {
      // A route added after requests were matched changes what they would match.
      matches.clear();
      router.add(method, path, handler);
    },
    match(method, path) {
      if (path.length > MAX_REMEMBERED_PATH_LENGTH) return router.match(method, path);
      const key = `${method} ${path}`;
      let result = matches.get(key);
      if (!result) {
        result = router.match(method, path);
        matches.set(key, result);
      }
      return result;
    },
  };
}
