// Messages for the refusals the platform itself makes. Modules add theirs the same way.
#include "platform/core/i18n.h"

namespace kefu::i18n {

void add_platform_messages() {
  add({
      {"validation.failed", "提交的内容有误，请检查标出的字段。",
       "Some fields are invalid; see the errors listed."},
      {"not_found", "找不到该{what}，可能不存在或不在您的数据范围内。",
       "The {what} was not found, or it is outside your data scope."},
      {"route.not_found", "请求的地址不存在。", "No such endpoint."},
      {"route.method_not_allowed", "该地址不支持此请求方法。",
       "This endpoint does not accept that method."},
      {"request.malformed_json", "请求内容不是有效的 JSON：{reason}",
       "The request body is not valid JSON: {reason}"},
      {"request.invalid_utf8", "请求内容含有无效的 UTF-8 字符。",
       "The request body contains invalid UTF-8."},
      {"request.not_an_object", "请求内容必须是 JSON 对象。",
       "The request body must be a JSON object."},
      {"request.unsupported_media_type", "请使用 application/json 格式提交。",
       "Send the body as application/json."},
      {"request.body_too_large", "请求内容过大（上限 {limit} 字节）。",
       "The request body is too large (limit {limit} bytes)."},
      {"request.headers_too_large", "请求头过大。", "The request headers are too large."},
      {"request.bad_http", "无法解析的 HTTP 请求：{reason}", "Malformed HTTP request: {reason}"},
      {"request.bad_parameter", "参数 {name} 的值无效。", "The parameter {name} is invalid."},
      {"request.bad_cursor", "分页游标无效，请从第一页重新开始。",
       "The paging cursor is invalid; start again from the first page."},
      {"auth.required", "请先登录。", "Please sign in."},
      {"auth.forbidden", "您没有执行此操作的权限。", "You are not allowed to do this."},
      {"auth.csrf", "安全校验失败（缺少或错误的 CSRF 令牌），请刷新页面后重试。",
       "Security check failed (missing or wrong CSRF token); reload the page and try again."},
      {"auth.scope", "此 API 令牌没有执行写操作的权限。", "This API token may not make changes."},
      {"server.overloaded", "服务器繁忙，请稍后再试。", "The server is busy; try again shortly."},
      {"server.shutting_down", "服务器正在重启，请稍后再试。",
       "The server is restarting; try again shortly."},
      {"server.internal", "服务器内部错误，已记录（请求编号 {request_id}）。",
       "Internal server error; it has been logged (request {request_id})."},
      {"db.unavailable", "数据库暂时不可用，请稍后再试。",
       "The database is unavailable; try again shortly."},
      {"db.conflict", "数据冲突，请刷新后重试。",
       "The change conflicts with existing data; reload and try again."},
      {"field.required", "必填", "is required"},
      {"field.too_short", "至少 {min} 个字符", "must have at least {min} characters"},
      {"field.too_long", "最多 {max} 个字符", "must have at most {max} characters"},
      {"field.wrong_type", "类型错误，应为 {expected}", "has the wrong type; expected {expected}"},
      {"field.not_nullable", "不能为 null", "cannot be null"},
      {"field.unknown", "不认识的字段", "is not a known field"},
      {"field.invalid", "格式无效", "is invalid"},
      {"field.out_of_range", "超出允许范围", "is out of range"},
  });
}

}  // namespace kefu::i18n
