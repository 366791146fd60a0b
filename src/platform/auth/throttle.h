#pragma once
// Counts failed sign-ins per key (a client address) in a sliding window, in memory.
// Per-account lockout lives in the database so that every kefu node sees it.
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace kefu::auth {

class Throttle {
 public:
  Throttle(int max_failures, int64_t window_ms) : max_(max_failures), window_ms_(window_ms) {}
  bool allowed(const std::string& key, int64_t now_ms);
  void record_failure(const std::string& key, int64_t now_ms);
  void reset(const std::string& key);

 private:
  void prune(std::deque<int64_t>& q, int64_t now_ms) const;
  int max_;
  int64_t window_ms_;
  std::mutex mu_;
  std::unordered_map<std::string, std::deque<int64_t>> failures_;  // GUARDED_BY(mu_)
};

}  // namespace kefu::auth
