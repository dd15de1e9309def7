// Typed errors: lib/data and the rules throw these; the API maps them to HTTP
// statuses and server actions turn them into { error } results.
export class AppError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** The catalogue key (errors.keyed.<key>) the console words this error with; the API keeps `message`. */
  i18n?: { key: string; values?: Record<string, string | number> };

  keyed(key: string, values?: Record<string, string | number>): this {
    this.i18n = { key, values };
    return this;
  }
}

export class BadRequestError extends AppError {
  constructor(message: string, details?: unknown) {
    super(message, 400, "bad_request", details);
  }
}
export class UnauthenticatedError extends AppError {
  constructor(message = "Sign in or send a valid API key.") {
    super(message, 401, "unauthenticated");
  }
}
export class ForbiddenError extends AppError {
  constructor(message = "Your role does not allow this.") {
    super(message, 403, "forbidden");
  }
}
export class NotFoundError extends AppError {
  constructor(message = "Not found.") {
    super(message, 404, "not_found");
  }
}
export class ConflictError extends AppError {
  constructor(message: string, details?: unknown) {
    super(message, 409, "conflict", details);
  }
}
export class TooManyRequestsError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message, 429, "too_many_requests");
  }
}
