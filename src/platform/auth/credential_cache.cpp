#include "platform/auth/credential_cache.h"

#include <algorithm>

namespace kefu::auth {

std::optional<Principal> CredentialCache::get(const std::string& key, int64_t now_ms) {
  if (ttl_ms_ <= 0) return std::nullopt;
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  if (it->second.until <= now_ms) {
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second.principal;
}

void CredentialCache::put(const std::string& key, const Principal& p, int64_t now_ms,
                          int64_t valid_until) {
  if (ttl_ms_ <= 0) return;
  std::lock_guard lock(mu_);
  if (entries_.size() >= capacity_) entries_.clear();  // crude but bounded; refills within a TTL
  entries_[key] = {p, std::min(now_ms + ttl_ms_, valid_until)};
}

void CredentialCache::forget_user(int64_t user_id) {
  std::lock_guard lock(mu_);
  std::erase_if(entries_, [&](const auto& kv) { return kv.second.principal.user_id == user_id; });
}

void CredentialCache::forget_credential(bool via_token, int64_t credential_id) {
  std::lock_guard lock(mu_);
  std::erase_if(entries_, [&](const auto& kv) {
    return kv.second.principal.via_token == via_token &&
           kv.second.principal.credential_id == credential_id;
  });
}

void CredentialCache::forget_all() {
  std::lock_guard lock(mu_);
  entries_.clear();
}

}  // namespace kefu::auth
