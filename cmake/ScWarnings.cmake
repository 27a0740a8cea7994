# Warnings and hardening applied to every SecureComm target through sc_apply_flags().
set(SC_WARNING_FLAGS
  -Wall -Wextra -Wpedantic -Werror -Wshadow
  -Wnon-virtual-dtor -Wcast-align -Wunused -Woverloaded-virtual
  -Wformat=2 -Wimplicit-fallthrough)

# Hardening: stack protector, fortify (needs optimisation), full RELRO, PIE, CET.
set(SC_HARDENING_COMPILE_FLAGS -fstack-protector-strong -fstack-clash-protection -fcf-protection -fPIE)
set(SC_HARDENING_LINK_FLAGS -Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack -pie)

function(sc_apply_flags target)
  target_compile_options(${target} PRIVATE ${SC_WARNING_FLAGS} ${SC_HARDENING_COMPILE_FLAGS})
  target_compile_definitions(${target} PRIVATE
    $<$<NOT:$<CONFIG:Debug>>:_FORTIFY_SOURCE=2> _GLIBCXX_ASSERTIONS)
  target_link_options(${target} PRIVATE ${SC_HARDENING_LINK_FLAGS})
endfunction()

# sc_coroutine_frames(target): GCC 12 at -O2 reports asio's coroutine frames as freed by a
# mismatched operator delete after inlining asio's frame allocator (a false positive of
# -Wmismatched-new-delete; clang and GCC 13 do not report it). Targets whose coroutines trip it
# turn that one warning off here, in one place, instead of a pragma in each file.
function(sc_coroutine_frames target)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-mismatched-new-delete)
  endif()
endfunction()
