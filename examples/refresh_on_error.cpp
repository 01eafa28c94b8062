// Complex invalidation based on "signals": refresh the parameter when the database rejects the
// cached password, rebuild the client, and try once more. First by hand, then with the
// refresh_on_error wrapper (the seed's decorator).
#include <iostream>
#include <stdexcept>
#include <string>

#include "ssm_cache/ssm_cache.hpp"

namespace {

struct InvalidCredentials : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Client {  // stands in for a database client
 public:
  explicit Client(std::string password) : password_(std::move(password)) {}
  std::string read_record() const {
    if (password_.empty()) throw InvalidCredentials("password rejected");
    return "record";
  }

 private:
  std::string password_;
};

}  // namespace

int main() {
  ssm_cache::SSMParameter param("my_db_password");
  Client db(param.value());

  // By hand.
  auto read_record_by_hand = [&](auto& self, bool is_retry) -> std::string {
    try {
      return db.read_record();
    } catch (const InvalidCredentials&) {
      if (is_retry) throw;
      param.refresh();
      db = Client(param.value());
      return self(self, true);
    }
  };
  std::cout << read_record_by_hand(read_record_by_hand, false) << "\n";

  // With the wrapper: fn(false); on InvalidCredentials refresh, run the callback, fn(true).
  auto read_record = param.refresh_on_error<InvalidCredentials>(
      [&](bool /*is_retry*/) { return db.read_record(); }, [&] { db = Client(param.value()); });
  std::cout << read_record() << "\n";
}
