#pragma once
// A short-lived, per-node cache of resolved credentials (session cookie or bearer token →
// Principal), so that a busy client does not cost a database read on every request.
// Sign-out, revocation and changes to a user forget their entries at once on this node;
// other nodes notice within the TTL (auth.cache_ms, 0 = off).
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "platform/auth/principal.h"

namespace kefu::auth {

class CredentialCache {
 public:
  CredentialCache(int64_t ttl_ms, size_t capacity) : ttl_ms_(ttl_ms), capacity_(capacity) {}

  std::optional<Principal> get(const std::string& key, int64_t now_ms);
  // `valid_until`: when the credential itself stops being valid (expiry, idle timeout).
  void put(const std::string& key, const Principal& p, int64_t now_ms, int64_t valid_until);
  void forget_user(int64_t user_id);
  void forget_credential(bool via_token, int64_t credential_id);
  void forget_all();

 private:
  struct Entry {
    Principal principal;
    int64_t until = 0;
  };
  int64_t ttl_ms_;
  size_t capacity_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // GUARDED_BY(mu_)
};

}  // namespace kefu::auth
