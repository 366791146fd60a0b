#include "platform/http/metrics.h"

#include <fmt/format.h>

namespace kefu::http {

void Metrics::observe(const std::string& method, const std::string& route, int status,
                      double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{method, route, status}];
  auto& h = latency_[{method, route}];
  for (size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  ++h.count;
  h.sum += seconds;
}

void Metrics::gauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mu_);
  gauges_.push_back({std::move(name), std::move(help), std::move(read)});
}

std::string Metrics::render() const {
  std::string out;
  std::vector<Gauge> gauges;
  {
    std::lock_guard lock(mu_);
    out += "# HELP kefu_http_requests_total HTTP requests by route and status.\n";
    out += "# TYPE kefu_http_requests_total counter\n";
    for (const auto& [key, n] : requests_) {
      const auto& [method, route, status] = key;
      out +=
          fmt::format("kefu_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}\n",
                      method, route, status, n);
    }
    out +=
        "# HELP kefu_http_request_duration_seconds Time from a complete request to its response.\n";
    out += "# TYPE kefu_http_request_duration_seconds histogram\n";
    for (const auto& [key, h] : latency_) {
      const auto& [method, route] = key;
      for (size_t i = 0; i < kBuckets.size(); ++i) {
        out += fmt::format(
            "kefu_http_request_duration_seconds_bucket{{method=\"{}\",route=\"{}\",le=\"{}\"}} "
            "{}\n",
            method, route, kBuckets[i], h.buckets[i]);
      }
      out += fmt::format(
          "kefu_http_request_duration_seconds_bucket{{method=\"{}\",route=\"{}\",le=\"+Inf\"}} "
          "{}\n",
          method, route, h.count);
      out +=
          fmt::format("kefu_http_request_duration_seconds_sum{{method=\"{}\",route=\"{}\"}} {}\n",
                      method, route, h.sum);
      out +=
          fmt::format("kefu_http_request_duration_seconds_count{{method=\"{}\",route=\"{}\"}} {}\n",
                      method, route, h.count);
    }
    gauges = gauges_;
  }
  for (const auto& g : gauges) {
    out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n{} {}\n", g.name, g.help, g.name, g.name,
                       g.read());
  }
  return out;
}

}  // namespace kefu::http
