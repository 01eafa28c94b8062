// The real ssm-cache-local program on a loopback port: start-up contract, signals,
// persistence across SIGKILL, corrupt data files, faults on the wire, admin endpoints.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <filesystem>

#include "server_process.hpp"

namespace {

using local_test::kAdminToken;
using local_test::read_file;
using local_test::ServerProcess;
using local_test::SignedClient;
using local_test::TempDir;
using local_test::write_file;
using nlohmann::json;

json put_body(const std::string& name, const std::string& value,
              const std::string& type = "String") {
  return {{"Name", name}, {"Value", value}, {"Type", type}};
}

TEST(LocalServer, FirstLineIsTheListeningAddressAndSignalsStopCleanly) {
  for (int sig : {SIGTERM, SIGINT}) {
    ServerProcess server({});
    const std::string line = server.first_line();
    const std::string prefix = "listening on http://127.0.0.1:";
    ASSERT_EQ(line.rfind(prefix, 0), 0u) << line;
    const std::string port = line.substr(prefix.size());
    EXPECT_TRUE(!port.empty() && port.size() <= 5 &&
                port.find_first_not_of("0123456789") == std::string::npos)
        << line;
    EXPECT_GT(server.port(), 0);
    SignedClient client(server.port());
    EXPECT_EQ(client.call("AmazonSSM.PutParameter", put_body("/a", "v")).status, 200);
    const int status = server.kill(sig);
    EXPECT_TRUE(WIFEXITED(status)) << "signal " << sig << " killed it instead of stopping it";
    EXPECT_EQ(WEXITSTATUS(status), 0);
    EXPECT_EQ(server.rest_of_stdout(), "");  // nothing else on stdout
    const std::string log = server.stderr_text();
    EXPECT_NE(log.find("AmazonSSM.PutParameter 200"), std::string::npos) << log;
    EXPECT_EQ(log.find("\"v\""), std::string::npos) << "values must never be logged";
  }
}

TEST(LocalServer, SigkillAfterAcknowledgedWritesLosesNothing) {
  TempDir dir;
  const std::string file = dir.file("store.json");
  {
    ServerProcess server({"--data", file});
    SignedClient client(server.port());
    ASSERT_EQ(client.call("AmazonSSM.PutParameter", put_body("/app/db/host", "db1")).status, 200);
    ASSERT_EQ(client
                  .call("AmazonSSM.PutParameter",
                        json{{"Name", "/app/db/host"}, {"Value", "db2"}, {"Overwrite", true}})
                  .status,
              200);
    ASSERT_EQ(client.call("AmazonSSM.PutParameter", put_body("/app/db/pass", "pw", "SecureString"))
                  .status,
              200);
    ASSERT_EQ(client.call("secretsmanager.CreateSecret", json{{"Name", "s"}, {"SecretString", "x"}})
                  .status,
              200);
    const int status = server.kill(SIGKILL);
    ASSERT_TRUE(WIFSIGNALED(status));
  }
  ServerProcess again({"--data", file});
  SignedClient client(again.port());
  auto r = client.call("AmazonSSM.GetParameter", json{{"Name", "/app/db/host"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["Parameter"]["Value"], "db2");
  EXPECT_EQ(r.json["Parameter"]["Version"], 2);
  r = client.call("AmazonSSM.GetParameter", json{{"Name", "/app/db/host:1"}});
  EXPECT_EQ(r.json["Parameter"]["Value"], "db1");
  r = client.call("AmazonSSM.GetParameter",
                  json{{"Name", "/app/db/pass"}, {"WithDecryption", true}});
  EXPECT_EQ(r.json["Parameter"]["Value"], "pw");
  r = client.call("secretsmanager.GetSecretValue", json{{"SecretId", "s"}});
  EXPECT_EQ(r.json["SecretString"], "x");
}

TEST(LocalServer, MissingDataFileStartsEmptyAsANewDatabase) {
  TempDir dir;
  const std::string file = dir.file("new.db");
  ServerProcess server({"--data", file});
  EXPECT_TRUE(std::filesystem::exists(file));  // created (and locked) at start
  SignedClient client(server.port());
  EXPECT_EQ(client.call("AmazonSSM.GetParameter", json{{"Name", "/a"}}).error_code(),
            "ParameterNotFound");
  ASSERT_EQ(client.call("AmazonSSM.PutParameter", put_body("/a", "v")).status, 200);
  EXPECT_TRUE(std::filesystem::exists(file));
}

TEST(LocalServer, CorruptDataFileIsRefusedAndNeverOverwritten) {
  TempDir dir;
  const std::string file = dir.file("store.json");
  const std::string garbage = R"({"parameters": [{"Name": "/a", "Value": 42}]})";
  write_file(file, garbage);
  ServerProcess server({"--data", file}, /*expect_listening=*/false);
  const int status = server.wait_exit(std::chrono::seconds(30));
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_EQ(server.rest_of_stdout(), "");  // no listening line
  const std::string err = server.stderr_text();
  EXPECT_NE(err.find(file), std::string::npos) << err;
  EXPECT_NE(err.find("parameters[0]"), std::string::npos) << err;
  EXPECT_NE(err.find("\"Value\" must be a string"), std::string::npos) << err;
  EXPECT_EQ(read_file(file), garbage);
}

TEST(LocalServer, RefusesNonLoopbackHostsAndBadOptions) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"--host", "0.0.0.0"},
                                               {"--credentials", "nocolon"},
                                               {"--error-rate", "2"},
                                               {"--no-such-option"}}) {
    ServerProcess server(args, /*expect_listening=*/false);
    const int status = server.wait_exit(std::chrono::seconds(30));
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0) << args[0];
    EXPECT_EQ(server.rest_of_stdout(), "") << args[0];
  }
}

TEST(LocalServer, CredentialsOption) {
  ServerProcess server({"--credentials", "AKIDLOCAL:s3cret", "--credentials", "other:key"});
  EXPECT_EQ(SignedClient(server.port())
                .call("AmazonSSM.GetParameters", json{{"Names", {"/a"}}})
                .error_code(),
            "UnrecognizedClientException");
  EXPECT_EQ(SignedClient(server.port(), "AKIDLOCAL", "s3cret")
                .call("AmazonSSM.GetParameters", json{{"Names", {"/a"}}})
                .status,
            200);
  EXPECT_EQ(SignedClient(server.port(), "AKIDLOCAL", "wrong")
                .call("AmazonSSM.GetParameters", json{{"Names", {"/a"}}})
                .error_code(),
            "InvalidSignatureException");
}

TEST(LocalServer, BadInputKeepsTheServerRunning) {
  ServerProcess server({});
  SignedClient client(server.port());
  // Raw garbage on a socket.
  {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(server.port()));
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    const std::string junk = "\x16\x03\x01 garbage \r\n\r\n\r\n";
    ASSERT_GT(::send(fd, junk.data(), junk.size(), MSG_NOSIGNAL), 0);
    ::close(fd);
  }
  EXPECT_EQ(client.call("AmazonSSM.PutParameter", std::string("{oops")).error_code(),
            "SerializationException");
  // Over 1 MiB: refused with an AWS error body.
  const std::string big(static_cast<std::size_t>(1u << 20) + 10, 'x');
  auto r = client.call("AmazonSSM.PutParameter", big);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.error_code(), "RequestEntityTooLargeException");
  SignedClient fresh(server.port());
  EXPECT_EQ(fresh.call("AmazonSSM.PutParameter", put_body("/a", "v")).status, 200);
  EXPECT_TRUE(server.running());
}

TEST(LocalServer, AdminEndpointsNeedTheFlag) {
  ServerProcess server({});
  SignedClient client(server.port());
  EXPECT_EQ(client.admin("GET", "/_local/stats").status, 404);
  EXPECT_EQ(client.admin("PUT", "/_local/faults", R"({"error_rate":1})").status, 404);
  EXPECT_EQ(client.call("AmazonSSM.GetParameters", json{{"Names", {"/a"}}}).status, 200);
}

TEST(LocalServer, AdminTokenPrintedAtStartIsRequired) {
  ServerProcess server({"--admin"});
  const std::string line = server.next_line();
  const std::string prefix = "admin token: ";
  ASSERT_EQ(line.rfind(prefix, 0), 0u) << line;
  const std::string token = line.substr(prefix.size());
  SignedClient client(server.port());
  EXPECT_EQ(client.admin("GET", "/_local/stats", "", "guess").status, 401);
  EXPECT_EQ(client.admin("GET", "/_local/stats", "", token).status, 200);
  EXPECT_EQ(server.stderr_text().find(token), std::string::npos);  // never in the log
}

TEST(LocalServer, RebindingHostRefusedOverTheWire) {
  ServerProcess server({"--admin-token", kAdminToken});
  httplib::Client http("127.0.0.1", server.port());
  const httplib::Headers rebound = {{"Host", "rebind.attacker.example"},
                                    {"Authorization", std::string("Bearer ") + kAdminToken}};
  const auto r = http.Get("/_local/stats", rebound);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  ServerProcess allowing({"--admin-token", kAdminToken, "--allow-host", "rebind.attacker.example"});
  httplib::Client http2("127.0.0.1", allowing.port());
  const auto ok = http2.Get("/_local/stats", rebound);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST(LocalServer, StatsOverTheWire) {
  ServerProcess server({"--admin-token", kAdminToken});
  SignedClient client(server.port());
  for (int i = 0; i < 3; ++i) client.call("AmazonSSM.GetParameters", json{{"Names", {"/a"}}});
  client.call("secretsmanager.GetSecretValue", json{{"SecretId", "s"}});
  const auto r = client.admin("GET", "/_local/stats");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["calls"]["AmazonSSM.GetParameters"], 3);
  EXPECT_EQ(r.json["calls"]["secretsmanager.GetSecretValue"], 1);
}

TEST(LocalServer, DroppedConnectionsAndTruncatedBodies) {
  ServerProcess server({"--admin-token", kAdminToken});
  SignedClient client(server.port());
  ASSERT_EQ(client.admin("PUT", "/_local/faults", R"({"drop_rate": 1, "max_faults": 1})").status,
            200);
  auto r = client.call("AmazonSSM.PutParameter", put_body("/a", "v"));
  EXPECT_EQ(r.status, 0) << "expected no response at all, got " << r.status << " " << r.body;
  SignedClient c2(server.port());
  EXPECT_EQ(c2.call("AmazonSSM.GetParameter", json{{"Name", "/a"}}).error_code(),
            "ParameterNotFound");

  ASSERT_EQ(c2.admin("PUT", "/_local/faults", R"({"truncate_rate": 1, "max_faults": 1})").status,
            200);
  SignedClient c3(server.port());
  r = c3.call("AmazonSSM.PutParameter", put_body("/a", "v"));
  EXPECT_EQ(r.status, 0) << "a truncated body must not read as a complete response: " << r.body;
  SignedClient c4(server.port());
  EXPECT_EQ(c4.call("AmazonSSM.GetParameter", json{{"Name", "/a"}}).status,
            200);  // the write happened
  const auto stats = c4.admin("GET", "/_local/stats");
  EXPECT_EQ(stats.json["faults"]["dropped"], 1);
  EXPECT_EQ(stats.json["faults"]["truncated"], 1);
}

TEST(LocalServer, LatencyThrottlingAndErrorsFromOptions) {
  ServerProcess server({"--latency-ms", "120", "--throttle-tps", "0.001", "--throttle-burst", "2"});
  SignedClient client(server.port());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(client.call("AmazonSSM.GetParameters", json{{"Names", {"/a"}}}).status, 200);
  // A lower bound only: the injected delay cannot be shorter than asked.
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(120));
  EXPECT_EQ(client.call("AmazonSSM.GetParameters", json{{"Names", {"/a"}}}).status, 200);
  const auto r = client.call("AmazonSSM.GetParameters", json{{"Names", {"/a"}}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_code(), "ThrottlingException");

  ServerProcess failing({"--error-rate", "1", "--fault-targets", "AmazonSSM.GetParametersByPath"});
  SignedClient c2(failing.port());
  EXPECT_EQ(c2.call("AmazonSSM.GetParametersByPath", json{{"Path", "/a"}}).status, 500);
  EXPECT_EQ(c2.call("AmazonSSM.GetParameters", json{{"Names", {"/a"}}}).status, 200);
}

}  // namespace
