#include "platform/http/server.h"

#include <atomic>
#include <chrono>
#include <thread>

#include <spdlog/spdlog.h>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

#include "platform/core/error.h"
#include "platform/core/ids.h"
#include "platform/core/thread_name.h"
#include "platform/db/database.h"
#include "platform/http/problem.h"

namespace kefu::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace {

bool is_write_method(std::string_view m) {
  return m != "GET" && m != "HEAD" && m != "OPTIONS";
}

bool sane_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  return true;
}

void add_security_headers(Response& r) {
  auto has = [&](std::string_view name) {
    for (const auto& [k, v] : r.headers)
      if (beast::iequals(k, name)) return true;
    return false;
  };
  if (!has("Cache-Control")) r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Referrer-Policy", "same-origin");
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; img-src 'self' data: blob:; style-src 'self' "
                         "'unsafe-inline'; frame-ancestors 'none'");
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  const Router& router;
  Metrics& metrics;
  Authenticator authenticate;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  asio::signal_set signals{ioc, SIGINT, SIGTERM};
  asio::thread_pool workers;
  std::vector<std::thread> io_threads;
  std::atomic<int64_t> queued{0};
  std::atomic<int64_t> inflight{0};
  std::atomic<bool> stopping{false};
  asio::steady_timer drain_timer{ioc};
  std::chrono::steady_clock::time_point stop_deadline;

  Impl(ServerOptions o, const Router& r, Metrics& m, Authenticator a)
      : options(std::move(o)),
        router(r),
        metrics(m),
        authenticate(std::move(a)),
        workers(static_cast<size_t>(std::max(1, options.workers))) {}

  Response run_handler(const Route& route, Request& req, i18n::Lang lang);
  void accept();
  void begin_shutdown();
  void drain();
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, Server::Impl& server)
      : stream_(std::move(socket)), server_(server) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    remote_ = ec ? "" : ep.address().to_string();
    stream_.socket().set_option(tcp::no_delay(true), ec);
    // A new connection counts as in flight until its first request is read: a client that
    // connected just before SIGTERM still gets its answer.
    server_.inflight.fetch_add(1);
  }

  void start() {
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&Session::read_header, shared_from_this()));
  }

 private:
  void read_header() {
    parser_.emplace();
    parser_->header_limit(server_.options.max_header_bytes);
    // Beast checks Content-Length against this as soon as the header is parsed, before we
    // know the route: allow the largest upload here and apply the route's own limit below.
    parser_->body_limit(
        std::max<uint64_t>(server_.options.max_body_bytes, server_.router.largest_body_limit()));
    stream_.expires_after(std::chrono::milliseconds(server_.options.idle_timeout_ms));
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, size_t) {
    if (ec) return on_read_error(ec);
    const auto& h = parser_->get();
    uint64_t limit = server_.router.body_limit_for(h.method_string(), h.target());
    if (limit == 0) limit = server_.options.max_body_bytes;  // only upload routes accept more
    if (parser_->content_length() && *parser_->content_length() > limit) {
      return refuse(413, Error(ErrorKind::kPayloadTooLarge, "request.body_too_large",
                               {{"limit", std::to_string(limit)}}));
    }
    parser_->body_limit(limit);  // for chunked bodies
    stream_.expires_after(std::chrono::milliseconds(server_.options.request_timeout_ms));
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void first_request_seen() {
    if (awaiting_first_) {
      awaiting_first_ = false;
      server_.inflight.fetch_sub(1);
    }
  }

  void on_read_error(beast::error_code ec) {
    first_request_seen();
    started_ = std::chrono::steady_clock::now();
    if (ec == bhttp::error::header_limit) {
      return refuse(431, Error(ErrorKind::kBadRequest, "request.headers_too_large"));
    }
    if (ec == bhttp::error::body_limit) {
      return refuse(413, Error(ErrorKind::kPayloadTooLarge, "request.body_too_large",
                               {{"limit", std::to_string(server_.options.max_body_bytes)}}));
    }
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset) {
      return close();
    }
    if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category()) {
      return refuse(400,
                    Error(ErrorKind::kBadRequest, "request.bad_http", {{"reason", ec.message()}}));
    }
    close();
  }

  // Answers a request we could not read completely, then closes the connection.
  void refuse(int status, const Error& e) {
    Request req;
    req.request_id = next_request_id();
    req.remote_addr = remote_;
    i18n::Lang lang = i18n::Lang::kZh;
    if (parser_ && parser_->is_header_done()) {
      const auto& h = parser_->get();
      lang = i18n::from_accept_language(std::string(h[bhttp::field::accept_language]));
      req.method = std::string(h.method_string());
      req.target = std::string(h.target());
    }
    Response r = problem(e, lang, req.request_id);
    r.status = status;
    keep_alive_ = false;
    server_.inflight.fetch_add(1);
    finish(req, "(unread)", std::move(r));
  }

  void on_read(beast::error_code ec, size_t) {
    if (ec) return on_read_error(ec);
    started_ = std::chrono::steady_clock::now();
    server_.inflight.fetch_add(1);
    first_request_seen();
    auto msg = parser_->release();
    keep_alive_ = msg.keep_alive() && !server_.stopping.load();

    auto req = std::make_shared<Request>();
    req->method = std::string(msg.method_string());
    req->target = std::string(msg.target());
    req->remote_addr = remote_;
    std::string_view incoming_id = msg["X-Request-Id"];
    req->request_id = sane_request_id(incoming_id) ? std::string(incoming_id) : next_request_id();
    for (const auto& f : msg) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req->headers.emplace_back(std::move(name), std::string(f.value()));
    }
    req->body = std::move(msg.body());
    i18n::Lang lang = i18n::from_accept_language(req->header("accept-language"));

    auto url = boost::urls::parse_origin_form(req->target);
    if (!url) {
      return finish(
          *req, "(bad target)",
          problem(Error(ErrorKind::kBadRequest, "request.bad_parameter", {{"name", "target"}}),
                  lang, req->request_id));
    }
    req->path = url->path();
    for (auto p : url->params()) req->query.emplace_back(p.key, p.has_value ? p.value : "");

    Match m = server_.router.match(*req);
    if (!m.route) {
      Error e = m.path_known ? Error(ErrorKind::kMethodNotAllowed, "route.method_not_allowed")
                             : Error(ErrorKind::kNotFound, "route.not_found");
      Response r = problem(e, lang, req->request_id);
      if (m.path_known) r.headers.emplace_back("Allow", m.allow);
      return finish(*req, "(none)", std::move(r));
    }
    const Route* route = m.route;
    if (!route->options.blocking) {
      return finish(*req, route->pattern, server_.run_handler(*route, *req, lang));
    }
    if (server_.queued.load() >= server_.options.worker_queue_limit) {
      return finish(
          *req, route->pattern,
          problem(Error(ErrorKind::kUnavailable, "server.overloaded"), lang, req->request_id));
    }
    server_.queued.fetch_add(1);
    asio::post(server_.workers, [self = shared_from_this(), req, route, lang] {
      self->server_.queued.fetch_sub(1);
      auto resp = std::make_shared<Response>(self->server_.run_handler(*route, *req, lang));
      asio::post(self->stream_.get_executor(), [self, req, route, resp] {
        self->finish(*req, route->pattern, std::move(*resp));
      });
    });
  }

  void finish(const Request& req, const std::string& route, Response r) {
    if (r.stream && r.status == 200) return start_stream(req, route, std::move(r));
    add_security_headers(r);
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(r.status));
    if (!r.content_type.empty()) res->set(bhttp::field::content_type, r.content_type);
    res->set("X-Request-Id", req.request_id);
    for (auto& [k, v] : r.headers) res->insert(k, v);
    res->keep_alive(keep_alive_);
    if (req.method == "HEAD") {
      res->content_length(r.body.size());  // what GET would send, without sending it
    } else {
      res->body() = std::move(r.body);
      res->prepare_payload();
    }

    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    server_.metrics.observe(req.method.empty() ? "-" : req.method, route, r.status, seconds);
    if (server_.options.access_log) {
      spdlog::info("http rid={} ip={} method={} target={} route={} status={} ms={:.2f} bytes={}",
                   req.request_id, req.remote_addr, req.method, req.target.substr(0, 200), route,
                   r.status, seconds * 1000, res->body().size());
    }
    stream_.expires_after(std::chrono::milliseconds(server_.options.request_timeout_ms));
    bhttp::async_write(stream_, *res,
                       [self = shared_from_this(), res](beast::error_code ec, size_t) {
                         self->server_.inflight.fetch_sub(1);
                         if (ec || !self->keep_alive_ || self->server_.stopping.load())
                           return self->close();
                         self->read_header();
                       });
  }

  // Server-sent events: the head once, then frames as the channel fills, a comment line
  // every 15 s. The body ends when the connection closes, so the response says so.
  void start_stream(const Request& req, const std::string& route, Response r) {
    events_ = r.stream;
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    server_.metrics.observe(req.method, route, 200, seconds);
    if (server_.options.access_log) {
      spdlog::info("http rid={} ip={} method={} target={} route={} status=200 stream=open",
                   req.request_id, req.remote_addr, req.method, req.target.substr(0, 200), route);
    }
    add_security_headers(r);
    std::string head =
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
        "Connection: close\r\nX-Accel-Buffering: no\r\nX-Request-Id: " +
        req.request_id + "\r\n";
    for (const auto& [k, v] : r.headers) {
      if (beast::iequals(k, "Cache-Control")) continue;
      head += k + ": " + v + "\r\n";
    }
    head += "Cache-Control: no-cache\r\n\r\n: connected\n\n";
    // A stream is not a request in flight: shutdown does not wait for it to end.
    server_.inflight.fetch_sub(1);
    stream_.expires_never();
    std::weak_ptr<Session> weak = shared_from_this();
    events_->on_ready([weak] {
      if (auto self = weak.lock())
        asio::post(self->stream_.get_executor(), [self] { self->wake_.cancel(); });
    });
    write_stream(std::make_shared<std::string>(std::move(head)));
  }

  void write_stream(std::shared_ptr<std::string> bytes) {
    asio::async_write(stream_, asio::buffer(*bytes),
                      [self = shared_from_this(), bytes](beast::error_code ec, size_t) {
                        if (ec) {
                          self->events_->close();
                          return self->close();
                        }
                        self->pump_stream();
                      });
  }

  void pump_stream() {
    auto frames = events_->take();
    if (server_.stopping.load() || (frames.empty() && events_->closed())) {
      events_->close();
      return close();
    }
    if (!frames.empty()) {
      auto bytes = std::make_shared<std::string>();
      for (auto& f : frames) *bytes += f;
      return write_stream(bytes);
    }
    wake_.expires_after(std::chrono::seconds(15));
    wake_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) return self->write_stream(std::make_shared<std::string>(": ping\n\n"));
      self->pump_stream();
    });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Server::Impl& server_;
  std::string remote_;
  bool keep_alive_ = true;
  bool awaiting_first_ = true;
  std::chrono::steady_clock::time_point started_;
  std::shared_ptr<EventStream> events_;
  asio::steady_timer wake_{stream_.get_executor()};
};

}  // namespace

Response Server::Impl::run_handler(const Route& route, Request& req, i18n::Lang lang) {
  Context ctx{req, lang, std::nullopt};
  try {
    if (route.options.auth && authenticate) ctx.principal = authenticate(req);
    if (ctx.principal) ctx.principal->request_id = req.request_id;
    if (route.options.auth) {
      const auto& p = ctx.user();
      if (is_write_method(req.method)) {
        if (p.via_token) {
          bool may_write = std::find(p.token_scopes.begin(), p.token_scopes.end(), "write") !=
                           p.token_scopes.end();
          if (!may_write) throw Error(ErrorKind::kForbidden, "auth.scope");
        } else if (!equal_secrets(req.header("x-csrf-token"), p.csrf_token)) {
          throw Error(ErrorKind::kForbidden, "auth.csrf");
        }
      }
    }
    if ((req.method == "POST" || req.method == "PUT" || req.method == "PATCH") &&
        !req.body.empty()) {
      std::string_view ct = req.header("content-type");
      ct = ct.substr(0, ct.find(';'));
      while (!ct.empty() && ct.back() == ' ') ct.remove_suffix(1);
      if (std::string_view(route.options.body_type) != "*/*" &&
          !beast::iequals(ct, route.options.body_type)) {
        throw Error(ErrorKind::kUnsupportedMedia, "request.unsupported_media_type");
      }
    }
    return route.handler(ctx);
  } catch (const Error& e) {
    return problem(e, lang, req.request_id);
  } catch (const db::ConstraintError& e) {
    spdlog::warn("rid={} constraint: {}", req.request_id, e.what());
    return problem(Error(ErrorKind::kConflict, "db.conflict"), lang, req.request_id);
  } catch (const db::DatabaseError& e) {
    spdlog::error("rid={} database: {}", req.request_id, e.what());
    return problem(Error(ErrorKind::kUnavailable, "db.unavailable"), lang, req.request_id);
  } catch (const std::exception& e) {
    spdlog::error("rid={} unhandled: {}", req.request_id, e.what());
    return problem(Error(ErrorKind::kInternal, "server.internal", {{"request_id", req.request_id}}),
                   lang, req.request_id);
  }
}

void Server::Impl::accept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (!acceptor.is_open()) return;
      spdlog::warn("accept failed: {}", ec.message());
    } else {
      std::make_shared<Session>(std::move(socket), *this)->start();
    }
    accept();
  });
}

void Server::Impl::begin_shutdown() {
  if (stopping.exchange(true)) return;
  // Connections the kernel already accepted are waiting in the backlog: take them in and
  // answer their requests too, or closing the acceptor would reset them.
  beast::error_code ec;
  acceptor.non_blocking(true, ec);
  for (;;) {
    tcp::socket socket(asio::make_strand(ioc));
    acceptor.accept(socket, ec);
    if (ec) break;
    std::make_shared<Session>(std::move(socket), *this)->start();
  }
  acceptor.close(ec);
  spdlog::info("shutting down: no new connections, finishing {} in-flight requests",
               inflight.load());
  stop_deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options.shutdown_grace_ms);
  drain();
}

void Server::Impl::drain() {
  if ((inflight.load() == 0 && queued.load() == 0) ||
      std::chrono::steady_clock::now() > stop_deadline) {
    if (inflight.load() != 0)
      spdlog::warn("grace period over with {} requests in flight", inflight.load());
    ioc.stop();
    return;
  }
  drain_timer.expires_after(std::chrono::milliseconds(10));
  drain_timer.async_wait([this](beast::error_code) { drain(); });
}

Server::Server(ServerOptions options, const Router& router, Metrics& metrics,
               Authenticator authenticate)
    : impl_(std::make_unique<Impl>(std::move(options), router, metrics, std::move(authenticate))) {}

Server::~Server() {
  stop();
  for (auto& t : impl_->io_threads)
    if (t.joinable()) t.join();
  impl_->workers.join();
}

uint16_t Server::start() {
  auto& i = *impl_;
  tcp::endpoint ep(asio::ip::make_address(i.options.host), i.options.port);
  i.acceptor.open(ep.protocol());
  i.acceptor.set_option(asio::socket_base::reuse_address(true));
  i.acceptor.bind(ep);
  i.acceptor.listen(asio::socket_base::max_listen_connections);
  i.signals.async_wait([&i](beast::error_code ec, int) {
    if (!ec) i.begin_shutdown();
  });
  i.accept();
  for (int n = 0; n < std::max(1, i.options.io_threads); ++n)
    i.io_threads.emplace_back([&i] {
      core::name_this_thread("kefu-http-io");
      i.ioc.run();
    });
  return i.acceptor.local_endpoint().port();
}

void Server::wait() {
  for (auto& t : impl_->io_threads)
    if (t.joinable()) t.join();
  impl_->workers.join();
}

void Server::stop() {
  asio::post(impl_->ioc, [this] { impl_->begin_shutdown(); });
}

int64_t Server::worker_queue_depth() const {
  return impl_->queued.load();
}
int64_t Server::in_flight() const {
  return impl_->inflight.load();
}

}  // namespace kefu::http
