#pragma once
// Prometheus text metrics: requests by route and status, a latency histogram per route,
// and gauges that other parts supply (database pool, write queue, worker queue).
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace kefu::http {

class Metrics {
 public:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
  void observe(const std::string& method, const std::string& route, int status, double seconds);
  // A gauge read at scrape time.
  void gauge(std::string name, std::string help, std::function<double()> read);
  std::string render() const;

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  struct Gauge {
    std::string name, help;
    std::function<double()> read;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;  // GUARDED_BY(mu_)
  std::map<std::pair<std::string, std::string>, Histogram> latency_;        // GUARDED_BY(mu_)
  std::vector<Gauge> gauges_;
};

}  // namespace kefu::http
