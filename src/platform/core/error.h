#pragma once
// One protocol-neutral way to refuse: services throw kefu::Error, and only the HTTP layer
// maps its kind to a status and its code to a message in the caller's language.
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace kefu {

enum class ErrorKind {
  kBadRequest,        // 400: malformed input
  kUnauthenticated,   // 401
  kForbidden,         // 403: visible record, action not allowed
  kNotFound,          // 404: unknown id or outside the caller's scope
  kMethodNotAllowed,  // 405
  kConflict,          // 409: duplicate, illegal state change
  kPayloadTooLarge,   // 413
  kUnsupportedMedia,  // 415
  kUnprocessable,     // 422: well-formed input that breaks a rule
  kLocked,            // 423: account temporarily locked
  kTooManyRequests,   // 429
  kUnavailable,       // 503: overloaded or shutting down
  kInternal,          // 500: a bug
};

int http_status(ErrorKind kind);

// A problem with one input field: `field` is a JSON pointer-ish path ("roles[1]").
struct FieldError {
  std::string field;
  std::string code;  // message code, e.g. "field.required"
  std::vector<std::pair<std::string, std::string>> params;
};

class Error : public std::exception {
 public:
  using Params = std::vector<std::pair<std::string, std::string>>;

  Error(ErrorKind kind, std::string code, Params params = {})
      : kind_(kind), code_(std::move(code)), params_(std::move(params)) {}

  static Error validation(std::vector<FieldError> fields) {
    Error e(ErrorKind::kUnprocessable, "validation.failed");
    e.fields_ = std::move(fields);
    return e;
  }
  static Error not_found(std::string what) {
    return Error(ErrorKind::kNotFound, "not_found", {{"what", std::move(what)}});
  }
  static Error forbidden() { return Error(ErrorKind::kForbidden, "auth.forbidden"); }

  Error&& with_fields(std::vector<FieldError> f) && {
    fields_ = std::move(f);
    return std::move(*this);
  }
  // Extra machine-readable members for the problem body, e.g. {"allowed": "[...]"} (raw JSON).
  Error&& with_extra(std::string key, std::string raw_json) && {
    extra_.emplace_back(std::move(key), std::move(raw_json));
    return std::move(*this);
  }

  ErrorKind kind() const { return kind_; }
  const std::string& code() const { return code_; }
  const Params& params() const { return params_; }
  const std::vector<FieldError>& fields() const { return fields_; }
  const Params& extra() const { return extra_; }
  const char* what() const noexcept override { return code_.c_str(); }

 private:
  ErrorKind kind_;
  std::string code_;
  Params params_;
  std::vector<FieldError> fields_;
  Params extra_;
};

}  // namespace kefu
