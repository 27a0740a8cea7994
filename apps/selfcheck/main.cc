// securecomm-selfcheck: prints the crypto backends in use and runs the third-party vectors.
// `make run` runs it before it starts the relay. Exit status: 0 when every verdict matches,
// 1 on any mismatch, 2 when the vectors cannot be read.
#include <cstdio>
#include <cstring>
#include <string>

#include <openssl/crypto.h>
#include <sodium/core.h>
#include <sodium/version.h>

#include "securecomm/crypto/random.h"

#include "wycheproof_runner.h"

int main(int argc, char** argv) {
  std::string dir = std::string(SC_VECTORS_DIR) + "/wycheproof";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--vectors") == 0 && i + 1 < argc) {
      dir = argv[++i];
    } else {
      std::fprintf(stderr, "usage: %s [--vectors DIR]\n", argv[0]);
      return 2;
    }
  }
  sc::crypto::Init();
  std::printf("SecureComm self-check\n");
  std::printf("  OpenSSL    %s\n", OpenSSL_version(OPENSSL_VERSION));
  std::printf("  libsodium  %s\n", sodium_version_string());
  std::printf("\nWycheproof vectors (%s)\n", dir.c_str());
  std::printf("  %-30s %6s %6s %6s %6s\n", "file", "ran", "passed", "policy", "failed");
  int exit_code = 0, total = 0, passed = 0, policy = 0;
  for (auto kind : sc::vectors::AllKinds()) {
    auto stats = sc::vectors::RunWycheproofFile(dir, kind);
    if (!stats) {
      std::printf("  %-30s cannot be read\n", std::string(sc::vectors::FileFor(kind)).c_str());
      return 2;
    }
    std::printf("  %-30s %6d %6d %6d %6zu\n", stats->file.c_str(), stats->ran, stats->passed,
                stats->policy_refused, stats->failures.size());
    for (const auto& f : stats->failures) std::printf("    mismatch %s\n", f.c_str());
    if (!stats->failures.empty()) exit_code = 1;
    total += stats->ran;
    passed += stats->passed;
    policy += stats->policy_refused;
  }
  std::printf("  %-30s %6d %6d %6d %6d\n", "total", total, passed, policy, total - passed - policy);
  std::printf("\n%s\n", exit_code == 0 ? "All verdicts match (policy refusals: tests/vectors/SOURCES.md)."
                                       : "MISMATCHES FOUND");
  return exit_code;
}
