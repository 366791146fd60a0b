#include "platform/core/i18n.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <shared_mutex>

namespace kefu::i18n {
namespace {

struct Catalogue {
  std::shared_mutex mu;
  std::map<std::string, Message, std::less<>> messages;  // GUARDED_BY(mu)
};

Catalogue& catalogue() {
  static Catalogue c;
  return c;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return out;
}

}  // namespace

void add(std::vector<Message> messages) {
  auto& c = catalogue();
  std::unique_lock lock(c.mu);
  for (auto& m : messages) c.messages[m.code] = std::move(m);
}

Lang from_accept_language(std::string_view header) {
  // Honour the first language range the caller lists that we speak.
  std::string h = lower(header);
  size_t pos = 0;
  while (pos < h.size()) {
    size_t end = h.find(',', pos);
    if (end == std::string::npos) end = h.size();
    std::string range = h.substr(pos, end - pos);
    range.erase(0, range.find_first_not_of(' '));
    if (range.rfind("zh", 0) == 0) return Lang::kZh;
    if (range.rfind("en", 0) == 0) return Lang::kEn;
    pos = end + 1;
  }
  return Lang::kZh;
}

std::string_view tag(Lang lang) {
  return lang == Lang::kEn ? "en" : "zh-CN";
}

bool known(std::string_view code) {
  auto& c = catalogue();
  std::shared_lock lock(c.mu);
  return c.messages.find(code) != c.messages.end();
}

std::string render(Lang lang, std::string_view code,
                   const std::vector<std::pair<std::string, std::string>>& params) {
  std::string text;
  {
    auto& c = catalogue();
    std::shared_lock lock(c.mu);
    auto it = c.messages.find(code);
    if (it == c.messages.end()) return std::string(code);
    text = lang == Lang::kEn ? it->second.en : it->second.zh;
  }
  for (const auto& [k, v] : params) {
    std::string key = "{" + k + "}";
    for (size_t p = text.find(key); p != std::string::npos; p = text.find(key, p + v.size())) {
      text.replace(p, key.size(), v);
    }
  }
  return text;
}

}  // namespace kefu::i18n
