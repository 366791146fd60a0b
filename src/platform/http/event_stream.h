#pragma once
// A server-sent events channel (text/event-stream). A handler returns a Response carrying
// one; producers on any thread push frames into it, and the server writes them to the
// connection as they come, with a comment every few seconds so proxies and dead clients
// are noticed. The channel closes when the client goes away or the server stops.
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace kefu::http {

class EventStream {
 public:
  // Thread-safe. `event` names the SSE event; `data` is one line (JSON).
  void send(const std::string& event, const std::string& data);
  void close();
  bool closed() const;

  // For the server: what to write next, and who to wake when there is more.
  std::vector<std::string> take();
  void on_ready(std::function<void()> wake);

 private:
  mutable std::mutex mu_;
  std::deque<std::string> frames_;
  std::function<void()> wake_;
  bool closed_ = false;
  static constexpr size_t kMaxQueued = 1000;  // a client that stops reading is dropped
};

}  // namespace kefu::http
