// ParametersByName: many names, each with its own options, errors per name (by_name.hpp).
#include <algorithm>
#include <future>

#include <nlohmann/json.hpp>

#include "cache/record_matcher.hpp"
#include "cache/secure_memory.hpp"
#include "cache/validation.hpp"
#include "common/base64.hpp"
#include "common/thread_annotations.hpp"
#include "ssm_cache/by_name.hpp"
#include "ssm_cache/errors.hpp"
#include "ssm_cache/parameter.hpp"

namespace ssm_cache {

namespace {

constexpr std::size_t kMaxNamesPerCall = 10;  // GetParameters' limit

/// One name of a get(), resolved against the defaults.
struct Wanted {
  detail::ParsedName parsed;
  bool decrypt = true;
  std::int64_t max_age_ns = 0;
  Transform transform = Transform::kNone;
  std::string raw;  ///< the untransformed value once known
  std::exception_ptr error;
};

std::int64_t to_ns(std::chrono::milliseconds d) {
  return std::max<std::int64_t>(0, std::chrono::nanoseconds(d).count());
}

/// The outcome of one GetParameters call: its answer, or why it failed.
struct ChunkOutcome {
  std::vector<Wanted*> names;
  bool decrypt = true;
  GetParametersResult result;
  std::exception_ptr error;
};

NameError name_error(const std::string& name, const std::exception_ptr& error) {
  NameError out{name, "Error", {}, false, error};
  try {
    std::rethrow_exception(error);
  } catch (const AwsError& e) {
    out.code = e.code().empty() ? "AwsError" : e.code();
    out.message = e.what();
    out.transient = e.transient();
  } catch (const InvalidParameterError& e) {
    out.code = "ParameterNotFound";
    out.message = e.what();
  } catch (const TransformError& e) {
    out.code = "TransformError";
    out.message = e.what();
  } catch (const Error& e) {
    out.message = e.what();
    out.transient = e.transient();
  } catch (const std::exception& e) {
    out.message = e.what();
  }
  return out;
}

/// The value under its transform; throws TransformError naming the parameter, not the value.
std::string apply_transform(const Wanted& w) {
  switch (w.transform) {
    case Transform::kJson:
      if (!nlohmann::json::accept(w.raw)) {
        throw TransformError("'" + w.parsed.full_name +
                             "': the value is not valid JSON; expected a JSON document");
      }
      return w.raw;
    case Transform::kBinary: {
      std::string bytes;
      if (!common::base64_decode(w.raw, bytes)) {
        throw TransformError("'" + w.parsed.full_name +
                             "': the value is not valid base64; expected base64-encoded bytes");
      }
      return bytes;
    }
    default: return w.raw;
  }
}

/// The names of a get(), checked (parse_name throws on a bad one) before any call, resolved
/// against the defaults, duplicates dropped.
std::vector<Wanted> resolve_names(const std::vector<std::pair<std::string, NameOptions>>& names,
                                  const ByNameOptions& o) {
  std::vector<Wanted> wanted;
  wanted.reserve(names.size());
  for (const auto& [name, opts] : names) {
    auto parsed = detail::parse_name(name);
    const bool seen = std::any_of(wanted.begin(), wanted.end(), [&](const Wanted& w) {
      return w.parsed.full_name == parsed.full_name;
    });
    if (seen) continue;
    Wanted w;
    // Secret references are always decrypted (AWS rejects them otherwise).
    w.decrypt = opts.with_decryption.value_or(o.with_decryption) || parsed.secret;
    w.max_age_ns = to_ns(opts.max_age.value_or(o.max_age));
    w.transform = resolve_transform(parsed.name, opts.transform.value_or(o.transform));
    w.parsed = std::move(parsed);
    wanted.push_back(std::move(w));
  }
  return wanted;
}

/// Makes each chunk's GetParameters call; a failed call fails only its own names. The calls
/// run concurrently, the first on this thread.
void run_calls(std::vector<ChunkOutcome>& chunks, ParameterClient& client) {
  auto call = [&client](ChunkOutcome& c) {
    std::vector<std::string> asked;
    for (const Wanted* w : c.names) asked.push_back(w->parsed.full_name);
    try {
      c.result = client.get_parameters(asked, c.decrypt);
    } catch (...) {
      c.error = std::current_exception();
    }
  };
  std::vector<std::future<void>> others;
  for (std::size_t i = 1; i < chunks.size(); ++i) {
    others.push_back(std::async(std::launch::async, call, std::ref(chunks[i])));
  }
  call(chunks[0]);
  for (auto& f : others) f.get();
}

/// Gives each name of the chunk its value from the answer, or its error; wipes the answer.
void take_answers(ChunkOutcome& c) {
  if (c.error) {
    for (Wanted* w : c.names) w->error = c.error;
    return;
  }
  std::vector<const detail::ParsedName*> asked;
  for (const Wanted* w : c.names) asked.push_back(&w->parsed);
  const detail::RecordMatcher matcher(c.result, asked);
  for (Wanted* w : c.names) {
    if (ParameterRecord* rec = matcher.find(w->parsed)) {
      w->raw = rec->value;
    } else {
      w->error = std::make_exception_ptr(InvalidParameterError({w->parsed.full_name}));
    }
  }
  for (auto& rec : c.result.parameters) detail::wipe(rec.value);
}

/// The values (transformed) and errors of every name; wipes the raw values. With
/// raise_on_error, throws the first error instead (after wiping the values).
ParametersByNameResult collect_results(std::vector<Wanted>& wanted, bool raise_on_error) {
  ParametersByNameResult out;
  for (Wanted& w : wanted) {
    if (!w.error) {
      try {
        out.values.emplace(w.parsed.full_name, apply_transform(w));
      } catch (const TransformError&) {
        w.error = std::current_exception();
      }
    }
    detail::wipe(w.raw);
    if (w.error) out.errors.push_back(name_error(w.parsed.full_name, w.error));
  }
  if (raise_on_error && !out.errors.empty()) {
    for (auto& [name, value] : out.values) detail::wipe(value);
    std::rethrow_exception(out.errors.front().error);
  }
  return out;
}

}  // namespace

struct ParametersByName::State {
  explicit State(ByNameOptions o) : options(std::move(o)) {}

  struct Cached {
    detail::SecureString value;
    std::int64_t fetched_ns = 0;
  };

  const ByNameOptions options;
  detail::Mutex mutex;
  /// (full name, decrypted) -> value
  std::map<std::pair<std::string, bool>, Cached> cache SSM_CACHE_GUARDED_BY(mutex);

  std::int64_t now() const {
    const auto t = options.clock ? options.clock->now() : std::chrono::steady_clock::now();
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  }

  /// Takes the cached value of w when fresh enough; true if taken.
  bool from_cache(Wanted& w, std::int64_t now_ns) SSM_CACHE_REQUIRES(mutex) {
    auto it = cache.find({w.parsed.full_name, w.decrypt});
    if (it == cache.end()) return false;
    if (w.max_age_ns != 0 && now_ns - it->second.fetched_ns >= w.max_age_ns) return false;
    w.raw.assign(it->second.value.data(), it->second.value.size());
    return true;
  }

  void store(const Wanted& w, std::int64_t now_ns) SSM_CACHE_REQUIRES(mutex) {
    Cached& c = cache[{w.parsed.full_name, w.decrypt}];
    c.value.assign(w.raw.data(), w.raw.size());  // the old bytes are zeroed when freed
    c.fetched_ns = now_ns;
  }
};

ParametersByName::ParametersByName(ByNameOptions options)
    : state_(std::make_unique<State>(std::move(options))) {}

ParametersByName::~ParametersByName() = default;

void ParametersByName::clear() {
  detail::MutexLock lock(state_->mutex);
  state_->cache.clear();
}

ParametersByNameResult ParametersByName::get(const std::vector<std::string>& names) {
  std::vector<std::pair<std::string, NameOptions>> with_defaults;
  with_defaults.reserve(names.size());
  for (const auto& n : names) with_defaults.emplace_back(n, NameOptions{});
  return get(with_defaults);
}

ParametersByNameResult ParametersByName::get(
    const std::vector<std::pair<std::string, NameOptions>>& names) {
  const ByNameOptions& o = state_->options;
  std::vector<Wanted> wanted = resolve_names(names, o);

  // Names not served from the cache, in calls of at most 10 per decryption flag.
  std::vector<ChunkOutcome> chunks;
  {
    detail::MutexLock lock(state_->mutex);
    const std::int64_t now = state_->now();
    for (const bool decrypt : {true, false}) {
      for (Wanted& w : wanted) {
        if (w.decrypt != decrypt || state_->from_cache(w, now)) continue;
        if (chunks.empty() || chunks.back().decrypt != decrypt ||
            chunks.back().names.size() == kMaxNamesPerCall) {
          chunks.push_back({{}, decrypt, {}, nullptr});
        }
        chunks.back().names.push_back(&w);
      }
    }
  }
  if (!chunks.empty()) {
    const std::shared_ptr<ParameterClient> client = o.client ? o.client : default_client();
    run_calls(chunks, *client);
    for (ChunkOutcome& c : chunks) take_answers(c);
    detail::MutexLock lock(state_->mutex);
    const std::int64_t now = state_->now();
    for (const ChunkOutcome& c : chunks) {
      for (const Wanted* w : c.names) {
        if (!w->error) state_->store(*w, now);
      }
    }
  }
  return collect_results(wanted, o.raise_on_error);
}

ParametersByNameResult get_parameters_by_name(
    const std::vector<std::pair<std::string, NameOptions>>& names, ByNameOptions options) {
  return ParametersByName(std::move(options)).get(names);
}

}  // namespace ssm_cache
