#pragma once
// The text of an exception, fit to store in a TEXT column: valid UTF-8 (bad bytes become
// '?'), cut at a character boundary to at most `max_bytes`. PostgreSQL refuses invalid
// UTF-8, and a refused error record would make the failure that caused it repeat forever.
#include <algorithm>
#include <cstddef>
#include <exception>
#include <string>
#include <string_view>

namespace kefu {

inline std::string utf8_clean(std::string_view in, size_t max_bytes) {
  std::string out;
  out.reserve(std::min(in.size(), max_bytes));
  size_t i = 0;
  while (i < in.size()) {
    const auto c = static_cast<unsigned char>(in[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xE  ? 3
                 : (c >> 3) == 0x1E ? 4
                                    : 0;
    bool ok = len > 0 && i + len <= in.size();
    for (size_t k = 1; ok && k < len; ++k) {
      ok = (static_cast<unsigned char>(in[i + k]) >> 6) == 0x2;
    }
    if (!ok) len = 1;
    if (out.size() + (ok ? len : 1) > max_bytes) break;
    if (ok) {
      out.append(in.substr(i, len));
    } else {
      out += '?';
    }
    i += len;
  }
  return out;
}

inline std::string error_text(std::exception_ptr e, size_t max_bytes = 1000) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return utf8_clean(ex.what(), max_bytes);
  } catch (...) {
    return "unknown exception";
  }
}

}  // namespace kefu
