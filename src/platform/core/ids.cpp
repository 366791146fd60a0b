#include "platform/core/ids.h"

#include <sodium.h>

#include <atomic>
#include <cstdio>
#include <stdexcept>
#include <vector>

namespace kefu {
namespace {

struct SodiumInit {
  SodiumInit() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  }
};
const SodiumInit& sodium_ready() {
  static SodiumInit init;
  return init;
}

std::string to_hex(const unsigned char* p, size_t n) {
  std::string out(n * 2, '0');
  sodium_bin2hex(out.data(), out.size() + 1, p, n);
  return out;
}

}  // namespace

std::string random_hex(size_t bytes) {
  sodium_ready();
  std::vector<unsigned char> buf(bytes);
  randombytes_buf(buf.data(), buf.size());
  return to_hex(buf.data(), buf.size());
}

std::string next_request_id() {
  static const std::string prefix = random_hex(4);
  static std::atomic<uint64_t> counter{0};
  char tail[17];
  std::snprintf(tail, sizeof tail, "%08llx",
                static_cast<unsigned long long>(counter.fetch_add(1) & 0xffffffffULL));
  return prefix + tail;
}

std::string sha256_hex(std::string_view data) {
  sodium_ready();
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return to_hex(out, sizeof out);
}

bool equal_secrets(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace kefu

namespace kefu {
namespace {

std::optional<std::vector<unsigned char>> from_hex(std::string_view hex) {
  std::vector<unsigned char> out(hex.size() / 2 + 1);
  size_t len = 0;
  if (hex.size() % 2 != 0 ||
      sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &len, nullptr) != 0 ||
      len * 2 != hex.size())
    return std::nullopt;
  out.resize(len);
  return out;
}

std::string tag_of(std::string_view secret_hex, std::string_view payload) {
  auto key = from_hex(secret_hex);
  if (!key || key->size() != crypto_auth_KEYBYTES) throw std::invalid_argument("link secret");
  unsigned char tag[crypto_auth_BYTES];
  crypto_auth(tag, reinterpret_cast<const unsigned char*>(payload.data()), payload.size(),
              key->data());
  // 16 bytes of the tag are plenty against forgery and keep an SMS link short.
  std::string hex(2 * 16 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), tag, 16);
  hex.pop_back();
  return hex;
}

}  // namespace

std::string sign_link(std::string_view secret_hex, std::string_view payload) {
  sodium_ready();
  std::string p_hex(payload.size() * 2 + 1, '\0');
  sodium_bin2hex(p_hex.data(), p_hex.size(),
                 reinterpret_cast<const unsigned char*>(payload.data()), payload.size());
  p_hex.pop_back();
  return p_hex + "." + tag_of(secret_hex, payload);
}

std::optional<std::string> open_link(std::string_view secret_hex, std::string_view token) {
  sodium_ready();
  auto dot = token.find('.');
  if (dot == std::string_view::npos || token.size() > 600) return std::nullopt;
  auto bytes = from_hex(token.substr(0, dot));
  if (!bytes) return std::nullopt;
  std::string payload(bytes->begin(), bytes->end());
  if (!equal_secrets(tag_of(secret_hex, payload), token.substr(dot + 1))) return std::nullopt;
  return payload;
}

}  // namespace kefu
