#include "platform/auth/password.h"

#include <sodium.h>

#include <stdexcept>
#include <string>

#include "platform/core/ids.h"

namespace kefu::auth {
namespace {
// Interactive limits: about 0.1 s and 64 MiB per hash on this class of machine.
constexpr unsigned long long kOps = crypto_pwhash_OPSLIMIT_INTERACTIVE;
constexpr size_t kMem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
}  // namespace

std::string hash_password(std::string_view password) {
  random_hex(1);  // makes sure libsodium is initialised
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), kOps, kMem,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("out of memory while hashing a password");
  }
  return out;
}

bool verify_password(std::string_view hash, std::string_view password) {
  std::string h(hash);
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

void burn_password_time(std::string_view password) {
  static const std::string dummy = hash_password("kefu-timing-equaliser");
  verify_password(dummy, password);
}

}  // namespace kefu::auth
