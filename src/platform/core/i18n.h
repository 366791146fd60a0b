#pragma once
// Message catalogue for refusals: a stable code maps to a zh-CN and an en template with
// {name} placeholders. Modules add their own codes at start-up.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kefu::i18n {

enum class Lang { kZh, kEn };

struct Message {
  std::string code;
  std::string zh;
  std::string en;
};

void add(std::vector<Message> messages);
// Picks the language from an Accept-Language header; zh-CN is the default.
Lang from_accept_language(std::string_view header);
std::string_view tag(Lang lang);
// Renders `code` with params; an unknown code renders as the code itself.
std::string render(Lang lang, std::string_view code,
                   const std::vector<std::pair<std::string, std::string>>& params = {});
bool known(std::string_view code);
// Registers the platform's own refusal messages (call once at start-up).
void add_platform_messages();

}  // namespace kefu::i18n
