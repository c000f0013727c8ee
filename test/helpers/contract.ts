import { Validator, type Schema } from "@cfworker/json-schema";
// The document the Worker serves, as test/global-setup.ts wrote it for this run.
import documentText from "../../assets/openapi.json?raw";

/** What the checker needs of a response. */
export interface ObservedResponse {
  status: number;
  headers: Headers;
  text: string;
}

type Json = Record<string, any>;

export const OPENAPI_DOCUMENT: Json = JSON.parse(documentText);

/**
 * Checks one response against the OpenAPI document: the operation is found by method and
 * path template, the response by status; a status the operation does not document fails, and
 * so does a body its schema rejects. A request that matches no operation must get the shared
 * 404 (unknown path) or 405 (known path, other method). Throws with the whole story.
 */
export function assertMatchesDocument(method: string, url: string, response: ObservedResponse, document: Json = OPENAPI_DOCUMENT): void {
  const { pathname } = new URL(url, "https://api.test");
  const verb = method.toLowerCase() === "head" ? "get" : method.toLowerCase();
  const template = matchPath(Object.keys(document.paths), pathname);
  const label = `${method.toUpperCase()} ${pathname}`;

  let responses: Json;
  let where: string;
  if (template === undefined) {
    responses = { "404": { $ref: "#/components/responses/NotFound" }, "500": { $ref: "#/components/responses/ServerError" } };
    where = `${label} (no documented path)`;
  } else if (document.paths[template][verb] === undefined) {
    responses = { "405": { $ref: "#/components/responses/MethodNotAllowed" }, "500": { $ref: "#/components/responses/ServerError" } };
    where = `${label} (documented path ${template}, undocumented method)`;
  } else {
    responses = document.paths[template][verb].responses;
    where = `${verb.toUpperCase()} ${template} (${document.paths[template][verb].operationId})`;
  }

  const documented = responses[String(response.status)];
  if (documented === undefined) {
    fail(where, response, `status ${response.status} is not documented; documented: ${Object.keys(responses).join(", ")}`);
  }
  const resolved = resolve(document, documented);
  const media = resolved.content?.["application/json"];
  const body = method.toUpperCase() === "HEAD" ? "" : response.text;
  if (media === undefined) {
    if (body !== "") fail(where, response, "the document says this response has no body");
    return;
  }
  if (method.toUpperCase() === "HEAD") return;
  // Raw bytes where the document offers them (a sketch's bytes): only their media type is checked.
  if (resolved.content["application/octet-stream"] && response.headers.get("Content-Type") === "application/octet-stream") return;
  if (!/^application\/json\b/.test(response.headers.get("Content-Type") ?? "")) {
    fail(where, response, `Content-Type is ${response.headers.get("Content-Type")}, the document says application/json`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    fail(where, response, "the body is not JSON");
  }
  const result = validatorFor(document, media.schema).validate(parsed);
  if (!result.valid) {
    const problems = result.errors.map((e) => `${e.instanceLocation} ${e.keyword}: ${e.error}`).join("\n    ");
    fail(where, response, `the body does not match the documented schema:\n    ${problems}`);
  }
}

/** The documented path template that `pathname` falls under; static segments win over `{params}`. */
export function matchPath(templates: string[], pathname: string): string | undefined {
  const segments = pathname.split("/");
  let best: { template: string; score: number } | undefined;
  for (const template of templates) {
    const parts = template.split("/");
    if (parts.length !== segments.length) continue;
    let score = 0;
    const matches = parts.every((part, i) => {
      if (/^\{[^}]+\}$/.test(part)) return segments[i] !== "";
      score += 1;
      return part === segments[i];
    });
    if (matches && (best === undefined || score > best.score)) best = { template, score };
  }
  return best?.template;
}

function resolve(document: Json, object: Json): Json {
  let current = object;
  while (typeof current.$ref === "string") {
    current = current.$ref
      .slice(2)
      .split("/")
      .reduce((node: Json, key: string) => node?.[key.replaceAll("~1", "/").replaceAll("~0", "~")], document);
    if (current === undefined) throw new Error(`The OpenAPI document refers to ${object.$ref}, which it does not define`);
  }
  return current;
}

// One validator per schema object. @cfworker/json-schema interprets schemas (workerd forbids
// the code generation ajv relies on); component refs are handed to it as $defs.
const validators = new WeakMap<object, Validator>();
function validatorFor(document: Json, schema: Json): Validator {
  let validator = validators.get(schema);
  if (!validator) {
    const withDefs = JSON.parse(
      JSON.stringify({ ...schema, $defs: document.components?.schemas ?? {} }).replaceAll('"#/components/schemas/', '"#/$defs/'),
    ) as Schema;
    validator = new Validator(withDefs, "2020-12", false);
    validators.set(schema, validator);
  }
  return validator;
}

function fail(where: string, response: ObservedResponse, problem: string): never {
  throw new Error(
    `Response does not match the OpenAPI document (assets/openapi.json) for ${where}: ${problem}\n` +
      `  Got status ${response.status}: ${response.text.slice(0, 1000)}\n` +
      `  Fix the route's describeRoute(...) (success, otherResponses, errors) or its behaviour.`,
  );
}
