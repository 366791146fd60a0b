#pragma once
// The HTTP/1.1 server (Boost.Beast). Io threads parse and write; every handler that touches
// the database runs on a separate worker pool, and its response is written back on the
// connection's strand. SIGTERM/SIGINT stop accepting, finish in-flight requests and return.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "platform/http/message.h"
#include "platform/http/metrics.h"
#include "platform/http/router.h"

namespace kefu::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  int io_threads = 2;
  int workers = 64;
  int64_t worker_queue_limit = 4096;
  uint32_t max_header_bytes = 16 * 1024;
  uint64_t max_body_bytes = 1024 * 1024;
  int64_t idle_timeout_ms = 60000;
  int64_t request_timeout_ms = 30000;
  int64_t shutdown_grace_ms = 10000;
  bool access_log = true;
};

// Resolves the caller from cookies or a bearer token (runs on a worker thread). Returns
// nullopt for an anonymous request; throws kefu::Error for a bad credential.
using Authenticator = std::function<std::optional<auth::Principal>(const Request&)>;

class Server {
 public:
  Server(ServerOptions options, const Router& router, Metrics& metrics, Authenticator authenticate);
  ~Server();
  // Binds and starts the io threads; returns the bound port (useful with port 0).
  uint16_t start();
  // Blocks until SIGTERM/SIGINT (or stop()), then shuts down gracefully.
  void wait();
  void stop();
  int64_t worker_queue_depth() const;
  int64_t in_flight() const;

  struct Impl;  // public so the connection code in server.cpp can reach it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace kefu::http
