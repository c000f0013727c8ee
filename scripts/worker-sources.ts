// Loads the Worker's TypeScript sources in Node, for scripts that run them outside workerd
// (the OpenAPI generator, the evaluation benchmark, the bench's checks of its twins). The sources
// (and the twins in bench/twins/) import bundler-style (`./app`, `./errors` for errors/index.ts);
// this hook names the file for Node.
// Modules are imported by computed URL, so the scripts' type check (NodeNext) stays out of the
// Worker's sources, which the main tsconfig checks (Bundler resolution).
import { registerHooks } from "node:module";

registerHooks({
  resolve(specifier, context, nextResolve) {
    const relative = specifier.startsWith("./") || specifier.startsWith("../");
    const bundled = context.parentURL?.includes("/src/") || context.parentURL?.includes("/bench/twins/");
    if (!relative || !bundled || /\.[a-z]+$/.test(specifier)) return nextResolve(specifier, context);
    try {
      return nextResolve(`${specifier}.ts`, context);
    } catch {
      return nextResolve(`${specifier}/index.ts`, context);
    }
  },
});

/** Imports src/<module>.ts; cast the result to the shape the script uses. */
export function importWorkerSource(module: string): Promise<unknown> {
  return import(new URL(`../src/${module}.ts`, import.meta.url).href);
}
