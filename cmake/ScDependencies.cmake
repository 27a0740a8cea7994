# Every dependency comes from a Debian 12 package installed by tools/setup.sh.
# Nothing is vendored and nothing is downloaded at build time.
find_package(OpenSSL 3.0 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium>=1.0.18)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(SQLite3 3.40 REQUIRED)  # SQLite::SQLite3: libs/store, and tests that tamper with its files
# libqrencode (libqrencode-dev) and libpng (libpng-dev): libs/qr, the safety-number QR codes.
pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET libqrencode>=4.1)
find_package(PNG 1.6 REQUIRED)  # PNG::PNG; 1.6 for the simplified png_image API
find_path(TL_EXPECTED_INCLUDE_DIR tl/expected.hpp REQUIRED)
add_library(sc_tl_expected INTERFACE)
target_include_directories(sc_tl_expected SYSTEM INTERFACE ${TL_EXPECTED_INCLUDE_DIR})

# nlohmann-json: the test vectors, and securecomm-audit's JSON entries and output.
find_package(nlohmann_json 3.10 REQUIRED)
if(SC_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(SC_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()

# Protocol Buffers 3.21 (Debian's libprotobuf-dev + protobuf-compiler): the client-relay protocol.
find_package(Protobuf 3.21 REQUIRED)
