#pragma once
// Random tokens and digests (libsodium): session cookies, API tokens, request ids, hashes.
#include <string>
#include <optional>
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

namespace kefu {

// Links signed with a server secret (HMAC-SHA-512-256, libsodium crypto_auth): the token
// carries `payload` and its tag, hex-encoded, so it survives any URL and SMS.
// `secret_hex` is 64 hex characters (32 bytes).
std::string sign_link(std::string_view secret_hex, std::string_view payload);
// The payload, when the tag is right; nullopt for anything forged, cut or malformed.
std::optional<std::string> open_link(std::string_view secret_hex, std::string_view token);

}  // namespace kefu
