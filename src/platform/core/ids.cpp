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
