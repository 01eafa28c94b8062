# cmake -P script for the install_find_package_consumer test (see CMakeLists.txt).
cmake_minimum_required(VERSION 3.25)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(LAST_OUTPUT "${out}" PARENT_SCOPE)
endfunction()

set(prefix "${WORK_DIR}/prefix")
set(consumer_build "${WORK_DIR}/consumer-build")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

# 1. Install the build tree into a fresh prefix.
run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")
foreach(f include/ssm_cache/ssm_cache.hpp include/ssm_cache/testing/fake_client.hpp
          include/ssm_cache/mocks/mock_clients.hpp include/ssm_cache/export.hpp
          include/ssm_cache/version.hpp)
  if(NOT EXISTS "${prefix}/${f}")
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()
# The HTTP seam is internal (src/http/transport.hpp): no installed header declares or names it.
if(EXISTS "${prefix}/include/ssm_cache/http.hpp")
  message(FATAL_ERROR "installed: include/ssm_cache/http.hpp (an internal header)")
endif()
file(GLOB_RECURSE installed_headers "${prefix}/include/ssm_cache/*.hpp")
foreach(h ${installed_headers})
  file(STRINGS "${h}" internal_names REGEX "http::|http/transport\\.hpp")
  if(internal_names)
    message(FATAL_ERROR "${h} names the internal HTTP seam: ${internal_names}")
  endif()
endforeach()

# 2. A consumer project finds it with find_package(ssm_cache CONFIG REQUIRED).
run(${CMAKE_COMMAND} -S "${CONSUMER_DIR}" -B "${consumer_build}" -G "${GENERATOR}"
  "-DCMAKE_PREFIX_PATH=${prefix}"
  "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
  "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
  "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}"
  "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}")
run(${CMAKE_COMMAND} --build "${consumer_build}")
run("${consumer_build}/consumer")
if(NOT LAST_OUTPUT MATCHES "consumer ok")
  message(FATAL_ERROR "consumer printed: ${LAST_OUTPUT}")
endif()
# The users' test against the installed ssm_cache::mocks (gmock) target.
run("${consumer_build}/consumer_mocks_test")
if(NOT LAST_OUTPUT MATCHES "PASSED")
  message(FATAL_ERROR "consumer_mocks_test printed: ${LAST_OUTPUT}")
endif()

# 3. pkg-config sees the same install.
if(PKG_CONFIG)
  set(ENV{PKG_CONFIG_PATH} "${prefix}/lib/pkgconfig:${prefix}/lib64/pkgconfig")
  foreach(libdir lib lib64 lib/x86_64-linux-gnu lib/aarch64-linux-gnu)
    if(EXISTS "${prefix}/${libdir}/pkgconfig/ssm_cache.pc")
      set(ENV{PKG_CONFIG_PATH} "${prefix}/${libdir}/pkgconfig")
    endif()
  endforeach()
  run(${PKG_CONFIG} --cflags ssm_cache)
  # The first -I must be the installed include dir (the .pc is relocatable: ${pcfiledir}).
  string(REGEX MATCH "-I([^ \n]+)" _include_flag "${LAST_OUTPUT}")
  if(NOT EXISTS "${CMAKE_MATCH_1}/ssm_cache/ssm_cache.hpp")
    message(FATAL_ERROR "pkg-config --cflags ssm_cache gave: ${LAST_OUTPUT}")
  endif()
  string(STRIP "${LAST_OUTPUT}" cflags)
  run(${PKG_CONFIG} --libs ssm_cache)
  if(NOT LAST_OUTPUT MATCHES "-lssm_cache")
    message(FATAL_ERROR "pkg-config --libs ssm_cache gave: ${LAST_OUTPUT}")
  endif()
  string(STRIP "${LAST_OUTPUT}" libs)
  # A static libssm_cache names libcurl and OpenSSL as requirements: the plain command links.
  if(NOT libs MATCHES "-lcurl" OR NOT libs MATCHES "-lssl")
    message(FATAL_ERROR "pkg-config --libs ssm_cache lacks libcurl/OpenSSL: ${libs}")
  endif()
  separate_arguments(cflags_list UNIX_COMMAND "${cflags} ${CXX_FLAGS}")
  separate_arguments(libs_list UNIX_COMMAND "${libs} ${LINKER_FLAGS}")
  run(${CXX_COMPILER} ${cflags_list} "${CONSUMER_DIR}/main.cpp" -o "${WORK_DIR}/pc-consumer"
    ${libs_list})
  run("${WORK_DIR}/pc-consumer")
  if(NOT LAST_OUTPUT MATCHES "consumer ok")
    message(FATAL_ERROR "pkg-config consumer printed: ${LAST_OUTPUT}")
  endif()
endif()
