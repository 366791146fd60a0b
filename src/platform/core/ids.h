#pragma once
// Random tokens and digests (libsodium): session cookies, API tokens, request ids, hashes.
#include <string>
#include <string_view>

namespace kefu {

// `bytes` random bytes, as lowercase hex.
std::string random_hex(size_t bytes);
// Cheap unique id for requests: a per-process random prefix and a counter.
std::string next_request_id();
std::string sha256_hex(std::string_view data);
// Constant-time comparison of two secrets.
bool equal_secrets(std::string_view a, std::string_view b);

}  // namespace kefu
