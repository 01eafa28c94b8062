// ssm_cache/refresh_on_error.hpp — the C++ form of the seed's @refresh_on_error decorator.
#pragma once

#include <concepts>
#include <exception>
#include <functional>
#include <type_traits>
#include <utility>

namespace ssm_cache {

/// Marker for "no callback".
struct NoCallback {
  void operator()() const noexcept {}
};

namespace detail {

template <class Fn, class... Args>
decltype(auto) invoke_with_retry_flag(Fn& fn, bool is_retry, Args&... args) {
  if constexpr (std::is_invocable_v<Fn&, Args&..., bool>) {
    return std::invoke(fn, args..., is_retry);
  } else {
    return std::invoke(fn, args...);
  }
}

/// Wrapper returned by refresh_on_error: calling it calls fn(args..., false); if that throws E,
/// it refreshes (the parameter or its whole group), runs the callback, then calls
/// fn(args..., true) once. Other exceptions, and the retry's, propagate.
template <class E, class Refreshable, class Fn, class Callback>
class RefreshOnError {
 public:
  RefreshOnError(Refreshable target, Fn fn, Callback callback)
      : target_(std::move(target)), fn_(std::move(fn)), callback_(std::move(callback)) {}

  template <class... Args>
  decltype(auto) operator()(Args&&... args) {
    try {
      return invoke_with_retry_flag(fn_, false, args...);
    } catch (const E&) {
      target_.refresh();
      callback_();
    }
    return invoke_with_retry_flag(fn_, true, args...);
  }

 private:
  Refreshable target_;
  Fn fn_;
  Callback callback_;
};

}  // namespace detail
}  // namespace ssm_cache
