// http/curl_transport.cpp — the libcurl Transport: a pool of easy handles sharing one
// connection cache, DNS cache and TLS session cache, so kept-alive connections are reused
// across calls and threads. Thread-safe. A call costs one HTTP exchange (plus a TCP/TLS
// handshake only when no idle connection to the host is left).
//
// Trust: with no CA bundle configured, an https connection looks the system's CAs up by subject
// hash in libcurl's default CA directory (when that directory is hashed) instead of parsing the
// whole default bundle, which costs ~240M instructions (10-20 ms) per new TLS connection. The
// directory trusts no more than libcurl's default (bundle and directory together); should it
// miss a CA the bundle has, the failed verification is retried once with the default and the
// directory lookup is not used again.
#include <curl/curl.h>
#include <dirent.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <string>
#include <vector>

#include "common/strings.hpp"
#include "common/thread_annotations.hpp"
#include "http/transport.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache::http {

std::string header_value(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (common::iequals(key, name)) return value;
  }
  return {};
}

std::string Response::header(std::string_view name) const { return header_value(headers, name); }

namespace {

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw TransportError("libcurl could not be initialised (curl_global_init failed)", false);
    }
  });
}

// True when dir holds at least one OpenSSL subject-hash link ("1a2b3c4d.0"), i.e. can serve
// lookups by hash (c_rehash / update-ca-certificates made it).
bool is_hashed_ca_dir(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return false;
  bool hashed = false;
  while (const dirent* e = ::readdir(d)) {
    const std::string_view n(e->d_name);
    auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (n.size() >= 10 && n[8] == '.' && std::all_of(n.begin(), n.begin() + 8, hex) &&
        std::all_of(n.begin() + 9, n.end(), digit)) {
      hashed = true;
      break;
    }
  }
  ::closedir(d);
  return hashed;
}

// libcurl's built-in CA directory when it is hashed, else empty. Found once, on the first https
// request, so a plain-http process never looks.
const std::string& hashed_system_ca_dir() {
  static const std::string dir = [] {
    std::string path;
#if LIBCURL_VERSION_NUM >= 0x075400  // CURLINFO_CAPATH: 7.84.0
    if (CURL* h = curl_easy_init()) {
      char* capath = nullptr;
      if (curl_easy_getinfo(h, CURLINFO_CAPATH, &capath) == CURLE_OK && capath != nullptr) {
        path = capath;
      }
      curl_easy_cleanup(h);
    }
#endif
    if (!path.empty() && !is_hashed_ca_dir(path)) path.clear();
    return path;
  }();
  return dir;
}

bool is_https(const std::string& url) { return common::starts_with_icase(url, "https://"); }

// Per-transfer state the callbacks write into.
struct Exchange {
  Response response;
  std::size_t max_body = 0;
  bool oversized = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  const std::size_t n = size * count;
  if (ex->response.body.size() + n > ex->max_body) {
    ex->oversized = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  ex->response.body.append(data, n);
  return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  const std::size_t n = size * count;
  std::string_view line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {
    // A new status line (after "100 Continue", say): only the final response's headers count.
    ex->response.headers.clear();
    return n;
  }
  const auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    ex->response.headers.emplace_back(std::string(common::trim(line.substr(0, colon))),
                                      std::string(common::trim(line.substr(colon + 1))));
  }
  return n;
}

class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(CurlTransportOptions options) : options_(std::move(options)) {
    global_init_once();
    share_ = curl_share_init();
    if (share_ == nullptr) throw TransportError("libcurl: curl_share_init failed", false);
    curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, &CurlTransport::lock);
    curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &CurlTransport::unlock);
    curl_share_setopt(share_, CURLSHOPT_USERDATA, this);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }

  ~CurlTransport() override {
    // Easy handles first: they hold references into the share.
    for (CURL* h : idle_) curl_easy_cleanup(h);
    curl_share_cleanup(share_);
  }

  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  Response send(const Request& request) override {
    CURL* h = acquire();
    try {
      Response r = perform(h, request, ca_dir_for(request));
      release(h);
      return r;
    } catch (...) {
      release(h);
      throw;
    }
  }

 private:
  // libcurl's share lock callbacks: one locks, another unlocks, which the analysis cannot
  // follow; the mutexes guard libcurl's shared data, none of ours.
  static void lock(CURL*, curl_lock_data data, curl_lock_access,
                   void* user) SSM_CACHE_NO_THREAD_SAFETY_ANALYSIS {
    static_cast<CurlTransport*>(user)->locks_[index(data)].lock();
  }
  static void unlock(CURL*, curl_lock_data data, void* user) SSM_CACHE_NO_THREAD_SAFETY_ANALYSIS {
    static_cast<CurlTransport*>(user)->locks_[index(data)].unlock();
  }
  static std::size_t index(curl_lock_data data) {
    auto i = static_cast<std::size_t>(data);
    return i < kLocks ? i : 0;
  }

  CURL* acquire() {
    {
      detail::MutexLock lock(pool_mutex_);
      if (!idle_.empty()) {
        CURL* h = idle_.back();
        idle_.pop_back();
        return h;
      }
    }
    CURL* h = curl_easy_init();
    if (h == nullptr) throw TransportError("libcurl: curl_easy_init failed", true);
    return h;
  }

  void release(CURL* h) {
    // Reset drops per-request options; connections live in the share, not in the handle.
    curl_easy_reset(h);
    detail::MutexLock lock(pool_mutex_);
    if (idle_.size() < std::max<std::size_t>(options_.max_idle_connections, 1)) {
      idle_.push_back(h);
      return;
    }
    curl_easy_cleanup(h);
  }

  // The CA directory to trust alone for this request, or kNoDir for libcurl's default trust
  // (or the configured bundle).
  const std::string& ca_dir_for(const Request& request) const {
    if (!options_.ca_bundle.empty() || !is_https(request.url) ||
        ca_dir_missed_.load(std::memory_order_relaxed)) {
      return kNoDir;
    }
    return hashed_system_ca_dir();
  }

  // One exchange; ca_dir non-empty: trust only the CAs found by hash in that directory, and on
  // a failed verification try once more with libcurl's default trust (no request was sent:
  // the handshake failed before it).
  Response perform(CURL* h, const Request& request, const std::string& ca_dir) {
    if (!ca_dir.empty()) {
      try {
        return perform_once(h, request, ca_dir);
      } catch (const PeerNotVerified&) {
        ca_dir_missed_.store(true, std::memory_order_relaxed);
        curl_easy_reset(h);
      }
    }
    return perform_once(h, request, kNoDir);
  }

  struct PeerNotVerified {};

  Response perform_once(CURL* h, const Request& request, const std::string& ca_dir) {
    Exchange ex;
    ex.max_body = request.max_response_bytes;
    char errbuf[CURL_ERROR_SIZE] = {};
    set_transfer_options(h, request, ca_dir, errbuf, ex);
    set_method(h, request);
    curl_slist* list = header_list(request);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);

    const CURLcode rc = curl_easy_perform(h);
    curl_slist_free_all(list);

    if (rc == CURLE_PEER_FAILED_VERIFICATION && !ca_dir.empty()) throw PeerNotVerified{};
    if (rc != CURLE_OK) throw error_for(request, rc, errbuf, ex);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    ex.response.status = static_cast<int>(status);
    return std::move(ex.response);
  }

  // Connection, timeouts, trust, size limit and the callbacks filling `ex` (and `errbuf`,
  // which must outlive the transfer).
  void set_transfer_options(CURL* h, const Request& request, const std::string& ca_dir,
                            char* errbuf, Exchange& ex) {
    curl_easy_setopt(h, CURLOPT_SHARE, share_);
    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(h, CURLOPT_MAXCONNECTS,
                     static_cast<long>(std::max<std::size_t>(options_.max_idle_connections, 1)));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::max<long long>(request.connect_timeout.count(), 1)));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(std::max<long long>(request.timeout.count(), 1)));
    // TLS verification is never turned off; a custom CA bundle only changes what is trusted.
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!options_.ca_bundle.empty()) {
      curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_bundle.c_str());
    } else if (!ca_dir.empty()) {
      curl_easy_setopt(h, CURLOPT_CAINFO, static_cast<const char*>(nullptr));
      curl_easy_setopt(h, CURLOPT_CAPATH, ca_dir.c_str());
    }
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
                     static_cast<curl_off_t>(request.max_response_bytes));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &ex);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &ex);
    if (request.cancel != nullptr) {
      // libcurl calls this at least once a second, even while no byte moves.
      curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
      curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &on_progress);
      curl_easy_setopt(h, CURLOPT_XFERINFODATA, request.cancel);
    }
  }

  static void set_method(CURL* h, const Request& request) {
    if (request.method == "GET") {
      curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else if (request.method == "HEAD") {
      curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else {
      if (request.method != "POST") {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
      }
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    }
  }

  // The request's headers as libcurl takes them; the caller frees the list.
  static curl_slist* header_list(const Request& request) {
    curl_slist* list = nullptr;
    bool has_content_type = false;
    for (const auto& [name, value] : request.headers) {
      std::string line = name;
      if (value.empty()) {
        line += ';';  // curl's syntax for a header with an empty value
      } else {
        line += ": ";
        line += value;
      }
      list = curl_slist_append(list, line.c_str());
      if (!has_content_type) {
        Response probe;
        probe.headers.emplace_back(name, "x");
        has_content_type = !probe.header("content-type").empty();
      }
    }
    // No "Expect: 100-continue" round trip; no form content type the signer did not see.
    list = curl_slist_append(list, "Expect:");
    if (!has_content_type) list = curl_slist_append(list, "Content-Type:");
    return list;
  }

  static int on_progress(void* cancel, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<const std::atomic<bool>*>(cancel)->load() ? 1 : 0;
  }

  static TransportError error_for(const Request& request, CURLcode rc, const char* errbuf,
                                  const Exchange& ex) {
    std::string what = request.method + " " + request.url + " failed: ";
    if (ex.oversized || rc == CURLE_FILESIZE_EXCEEDED) {
      what += "the response is larger than the limit of " +
              std::to_string(request.max_response_bytes) + " bytes";
      return TransportError(what, false, false);
    }
    if (rc == CURLE_ABORTED_BY_CALLBACK) {
      return TransportError(what + "cancelled", false, false);
    }
    what += curl_easy_strerror(rc);
    if (errbuf[0] != '\0') {
      what += " (";
      what += errbuf;
      what += ")";
    }
    bool transient = true;
    bool timeout = false;
    switch (rc) {
      case CURLE_OPERATION_TIMEDOUT:
        timeout = true;
        what += "; no complete response within the timeout";
        break;
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_CACERT_BADFILE:
      case CURLE_SSL_CERTPROBLEM:
      case CURLE_SSL_ISSUER_ERROR:
      case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        transient = false;
        what +=
            "; the server's TLS certificate is not trusted (set AWS_CA_BUNDLE or the "
            "ca_bundle option to a PEM file holding its CA)";
        break;
      case CURLE_URL_MALFORMAT:
      case CURLE_UNSUPPORTED_PROTOCOL:
      case CURLE_NOT_BUILT_IN:
      case CURLE_BAD_FUNCTION_ARGUMENT: transient = false; break;
      default: break;
    }
    return TransportError(what, transient, timeout);
  }

  static constexpr std::size_t kLocks = CURL_LOCK_DATA_LAST;
  static inline const std::string kNoDir{};

  CurlTransportOptions options_;
  CURLSH* share_ = nullptr;
  std::array<detail::Mutex, kLocks> locks_;
  detail::Mutex pool_mutex_;
  std::vector<CURL*> idle_ SSM_CACHE_GUARDED_BY(pool_mutex_);
  // Set once the CA directory failed to verify a peer the default trust might: from then on
  // this transport uses libcurl's default trust only.
  std::atomic<bool> ca_dir_missed_{false};
};

}  // namespace

std::shared_ptr<Transport> make_curl_transport(CurlTransportOptions options) {
  return std::make_shared<CurlTransport>(std::move(options));
}

}  // namespace ssm_cache::http
