#include "platform/auth/throttle.h"

namespace kefu::auth {

void Throttle::prune(std::deque<int64_t>& q, int64_t now_ms) const {
  while (!q.empty() && q.front() <= now_ms - window_ms_) q.pop_front();
}

bool Throttle::allowed(const std::string& key, int64_t now_ms) {
  std::lock_guard lock(mu_);
  auto it = failures_.find(key);
  if (it == failures_.end()) return true;
  prune(it->second, now_ms);
  if (it->second.empty()) {
    failures_.erase(it);
    return true;
  }
  return static_cast<int>(it->second.size()) < max_;
}

void Throttle::record_failure(const std::string& key, int64_t now_ms) {
  std::lock_guard lock(mu_);
  if (failures_.size() > 100000) failures_.clear();  // bound memory under a spray attack
  auto& q = failures_[key];
  prune(q, now_ms);
  q.push_back(now_ms);
}

void Throttle::reset(const std::string& key) {
  std::lock_guard lock(mu_);
  failures_.erase(key);
}

}  // namespace kefu::auth
