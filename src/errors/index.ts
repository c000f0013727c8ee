export { ApiError, type ErrorDetail } from "./api-error";
export { ERROR_CODES, ERROR_STATUS, statusForCode, type ErrorCode, type ErrorCodeInfo } from "./codes";
export { errorResponse, handleError } from "./handle-error";
