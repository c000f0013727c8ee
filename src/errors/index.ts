export { ApiError, type ErrorDetail } from "./api-error";
export { ERROR_STATUS, statusForCode, type ErrorCode } from "./codes";
export { errorResponse, handleError } from "./handle-error";
