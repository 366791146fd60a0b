#include "platform/search/tokenizer.h"

#include <set>

namespace kefu::search {
namespace {

// Decodes one UTF-8 code point at s[i]; advances i. Invalid bytes become U+FFFD.
char32_t next_cp(std::string_view s, size_t& i) {
  auto b = static_cast<unsigned char>(s[i]);
  int n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xe ? 3 : (b >> 3) == 0x1e ? 4 : 0;
  if (n == 0 || i + n > s.size()) {
    ++i;
    return 0xfffd;
  }
  char32_t cp = n == 1 ? b : n == 2 ? (b & 0x1f) : n == 3 ? (b & 0x0f) : (b & 0x07);
  for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
  i += n;
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

bool is_cjk(char32_t c) {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) ||
         (c >= 0x20000 && c <= 0x2ebef) || (c >= 0xf900 && c <= 0xfaff) ||
         (c >= 0x3040 && c <= 0x30ff) || (c >= 0xac00 && c <= 0xd7af);
}

char32_t fold(char32_t c) {
  if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;  // full-width ASCII
  if (c >= 'A' && c <= 'Z') c += 32;
  return c;
}

bool is_alnum(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

enum class RunKind { kNone, kCjk, kWord };

struct Run {
  RunKind kind;
  std::vector<char32_t> chars;
};

std::vector<Run> runs_of(std::string_view text) {
  std::vector<Run> runs;
  size_t i = 0;
  while (i < text.size()) {
    char32_t c = fold(next_cp(text, i));
    RunKind k = is_cjk(c) ? RunKind::kCjk : is_alnum(c) ? RunKind::kWord : RunKind::kNone;
    if (k == RunKind::kNone) {
      if (!runs.empty() && runs.back().kind != RunKind::kNone) runs.push_back({RunKind::kNone, {}});
      continue;
    }
    if (runs.empty() || runs.back().kind != k) runs.push_back({k, {}});
    runs.back().chars.push_back(c);
  }
  return runs;
}

std::string text_of(const std::vector<char32_t>& cs, size_t from, size_t n) {
  std::string out;
  for (size_t k = from; k < from + n && k < cs.size(); ++k) append_utf8(out, cs[k]);
  return out;
}

constexpr size_t kWindow = 4;

}  // namespace

std::string index_tokens(std::string_view text) {
  std::set<std::string> seen;
  std::string out;
  auto add = [&](std::string t) {
    if (t.empty() || !seen.insert(t).second) return;
    if (!out.empty()) out += ' ';
    out += t;
  };
  for (const auto& r : runs_of(text)) {
    const auto& cs = r.chars;
    if (r.kind == RunKind::kCjk) {
      for (size_t k = 0; k < cs.size(); ++k) {
        add(text_of(cs, k, 1));
        if (k + 1 < cs.size()) add(text_of(cs, k, 2));
      }
    } else if (r.kind == RunKind::kWord) {
      add(text_of(cs, 0, cs.size()));
      if (cs.size() > kWindow)
        for (size_t k = 0; k + kWindow <= cs.size(); ++k) add(text_of(cs, k, kWindow));
    }
  }
  return out;
}

std::vector<QueryTerm> query_terms(std::string_view query) {
  std::vector<QueryTerm> terms;
  std::set<std::string> seen;
  auto add = [&](std::string t, bool prefix) {
    if (seen.insert(t + (prefix ? "*" : "")).second) terms.push_back({std::move(t), prefix});
  };
  for (const auto& r : runs_of(query)) {
    const auto& cs = r.chars;
    if (r.kind == RunKind::kCjk) {
      if (cs.size() == 1) add(text_of(cs, 0, 1), false);
      for (size_t k = 0; k + 1 < cs.size(); ++k) add(text_of(cs, k, 2), false);
    } else if (r.kind == RunKind::kWord) {
      if (cs.size() < kWindow)
        add(text_of(cs, 0, cs.size()), true);
      else if (cs.size() == kWindow)
        add(text_of(cs, 0, kWindow), false);
      else
        for (size_t k = 0; k + kWindow <= cs.size(); ++k) add(text_of(cs, k, kWindow), false);
    }
  }
  return terms;
}

std::string fts5_match(const std::vector<QueryTerm>& terms) {
  std::string out;
  for (const auto& t : terms) {
    if (!out.empty()) out += " AND ";
    out += '"' + t.token + '"';  // tokens hold no quotes: only letters, digits and CJK
    if (t.prefix) out += '*';
  }
  return out;
}

std::string pg_tsquery(const std::vector<QueryTerm>& terms) {
  std::string out;
  for (const auto& t : terms) {
    if (!out.empty()) out += " & ";
    out += '\'' + t.token + '\'';
    if (t.prefix) out += ":*";
  }
  return out;
}

}  // namespace kefu::search
