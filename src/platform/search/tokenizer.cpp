#include "platform/search/tokenizer.h"

#include <cstdint>
#include <functional>
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

// The document's tokens written straight into one string, each at most once. Imports index a
// million customers in one go, so this avoids a string and a set node per token: a run's
// folded UTF-8 goes into a buffer, tokens are slices of it, and the tokens already written
// are found through a small open-addressing table of their places in the output.
class TokenWriter {
 public:
  explicit TokenWriter(size_t text_size) {
    out_.reserve(text_size * 2);
    slots_.assign(64, kEmpty);
  }

  void add(std::string_view t) {
    if (t.empty()) return;
    size_t h = std::hash<std::string_view>{}(t);
    size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      if (slots_[i].off == kEmpty.off) {
        if (!out_.empty()) out_ += ' ';
        slots_[i] = {static_cast<uint32_t>(out_.size()), static_cast<uint32_t>(t.size())};
        out_ += t;
        if (++count_ * 2 > slots_.size()) grow();
        return;
      }
      if (slots_[i].len == t.size() && std::string_view(out_).substr(slots_[i].off, t.size()) == t)
        return;
    }
  }

  std::string take() { return std::move(out_); }

 private:
  struct Slot {
    uint32_t off, len;
  };
  static constexpr Slot kEmpty{UINT32_MAX, 0};

  void grow() {
    std::vector<Slot> old(slots_.size() * 2, kEmpty);
    old.swap(slots_);
    size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.off == kEmpty.off) continue;
      size_t i = std::hash<std::string_view>{}(std::string_view(out_).substr(s.off, s.len)) & mask;
      while (slots_[i].off != kEmpty.off) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }

  std::string out_;
  std::vector<Slot> slots_;
  size_t count_ = 0;
};

// A run's folded characters as UTF-8, with where each character starts (and the end).
struct RunText {
  RunKind kind = RunKind::kNone;
  std::string bytes;
  std::vector<uint32_t> starts;

  size_t chars() const { return starts.empty() ? 0 : starts.size() - 1; }
  std::string_view slice(size_t from, size_t n) const {
    return std::string_view(bytes).substr(starts[from], starts[from + n] - starts[from]);
  }
};

void write_run(const RunText& r, TokenWriter& w) {
  const size_t n = r.chars();
  if (r.kind == RunKind::kCjk) {
    for (size_t k = 0; k < n; ++k) {
      w.add(r.slice(k, 1));
      if (k + 1 < n) w.add(r.slice(k, 2));
    }
  } else if (r.kind == RunKind::kWord) {
    w.add(r.slice(0, n));
    if (n > kWindow)
      for (size_t k = 0; k + kWindow <= n; ++k) w.add(r.slice(k, kWindow));
  }
}

}  // namespace

std::string index_tokens(std::string_view text) {
  TokenWriter w(text.size());
  RunText run;
  auto end_run = [&] {
    if (run.kind == RunKind::kNone) return;
    run.starts.push_back(static_cast<uint32_t>(run.bytes.size()));
    write_run(run, w);
    run.kind = RunKind::kNone;
    run.bytes.clear();
    run.starts.clear();
  };
  size_t i = 0;
  while (i < text.size()) {
    char32_t c = fold(next_cp(text, i));
    RunKind k = is_cjk(c) ? RunKind::kCjk : is_alnum(c) ? RunKind::kWord : RunKind::kNone;
    if (k != run.kind) end_run();
    if (k == RunKind::kNone) continue;
    run.kind = k;
    run.starts.push_back(static_cast<uint32_t>(run.bytes.size()));
    append_utf8(run.bytes, c);
  }
  end_run();
  return w.take();
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
