/**
 * Bytes that are not a compact Theta sketch this API accepts. The message says what is wrong in
 * words a client can act on; a route answers it as 400 `invalid_sketch`.
 */
export class InvalidSketchError extends Error {
  override readonly name = "InvalidSketchError";
}
