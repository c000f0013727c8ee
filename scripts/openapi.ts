// `npm run openapi`: writes the API reference the Worker serves as static assets (`assets/`,
// not in the Worker bundle): /openapi.json, generated from the app's own routes and zod
// schemas, and /docs, Swagger UI from swagger-ui-dist. wrangler runs it before `dev` and
// `deploy` ([build] in wrangler.toml), the tests before every run (test/global-setup.ts).
//
// `--lenient` writes the document even if a route lacks describeRoute (the tests then report
// it); otherwise such a route fails the build.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { importWorkerSource } from "./worker-sources.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const ASSETS_DIR = `${ROOT}assets`;
const SWAGGER_UI = `${ROOT}node_modules/swagger-ui-dist`;
const SWAGGER_UI_FILES = ["swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png", "LICENSE", "NOTICE"];

type Routes = { method: string; path: string; handler: Function }[];
const { createApp } = (await importWorkerSource("app")) as { createApp(): { routes: Routes } };
const { buildOpenApiDocument } = (await importWorkerSource("openapi/document")) as { buildOpenApiDocument(routes: Routes, version: string): object };
const { inventoryRoutes } = (await importWorkerSource("openapi/operations")) as { inventoryRoutes(routes: Routes): { undescribed: string[] } };

const lenient = process.argv.includes("--lenient");

const { version } = JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")) as { version: string };
const routes = createApp().routes;
const { undescribed } = inventoryRoutes(routes);
if (undescribed.length > 0) {
  console.error(`openapi: these routes have no describeRoute(...), so the API reference leaves them out:\n  ${undescribed.join("\n  ")}`);
  if (!lenient) process.exit(1);
}
const document = JSON.stringify(buildOpenApiDocument(routes, version));

rmSync(ASSETS_DIR, { recursive: true, force: true });
mkdirSync(`${ASSETS_DIR}/docs`, { recursive: true });
writeFileSync(`${ASSETS_DIR}/openapi.json`, document);
writeFileSync(`${ASSETS_DIR}/docs.html`, readFileSync(`${ROOT}scripts/docs.html`));
for (const file of SWAGGER_UI_FILES) cpSync(`${SWAGGER_UI}/${file}`, `${ASSETS_DIR}/docs/${file}`);

const operations = Object.values(JSON.parse(document).paths as Record<string, object>).reduce((n, methods) => n + Object.keys(methods).length, 0);
console.log(`openapi: wrote assets/openapi.json (${document.length} bytes, ${operations} operations) and /docs (Swagger UI)`);
