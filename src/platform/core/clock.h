#pragma once
// Every part of kefu reads "now" from one Clock. A test deployment (explicit setting)
// uses an adjustable clock that testers move through the API.
#include <atomic>
#include <chrono>
#include <cstdint>

namespace kefu {

class Clock {
 public:
  virtual ~Clock() = default;
  // UTC epoch milliseconds.
  virtual int64_t now_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t now_ms() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// Wall clock plus an offset that only moves forward when a tester advances it.
class AdjustableClock final : public Clock {
 public:
  int64_t now_ms() const override { return system_.now_ms() + offset_ms_.load(); }
  void set(int64_t epoch_ms) { offset_ms_.store(epoch_ms - system_.now_ms()); }
  void advance(int64_t ms) { offset_ms_.fetch_add(ms); }

 private:
  SystemClock system_;
  std::atomic<int64_t> offset_ms_{0};
};

}  // namespace kefu
