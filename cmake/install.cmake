# Installs headers, the library, the exported target ssm_cache::ssm_cache with a config and
# version file (find_package(ssm_cache CONFIG)), and ssm_cache.pc (pkg-config).
include(CMakePackageConfigHelpers)

install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/ssm_cache"
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
  FILES_MATCHING PATTERN "*.hpp")
install(FILES "${SSM_CACHE_GENERATED_INCLUDE_DIR}/ssm_cache/version.hpp"
  "${SSM_CACHE_GENERATED_INCLUDE_DIR}/ssm_cache/export.hpp"
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/ssm_cache")

install(TARGETS ssm_cache
  EXPORT ssm_cacheTargets
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}"
  LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}"
  RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}"
  INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")

set(SSM_CACHE_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/ssm_cache")
install(EXPORT ssm_cacheTargets
  NAMESPACE ssm_cache::
  DESTINATION "${SSM_CACHE_CMAKE_DIR}")
if(TARGET ssm_cache_mocks)
  # Its own export set: ssm_cacheConfig.cmake loads it only where GTest is found.
  install(TARGETS ssm_cache_mocks EXPORT ssm_cacheMocksTargets)
  install(EXPORT ssm_cacheMocksTargets
    NAMESPACE ssm_cache::
    DESTINATION "${SSM_CACHE_CMAKE_DIR}")
endif()

configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/ssm_cacheConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/ssm_cacheConfig.cmake"
  INSTALL_DESTINATION "${SSM_CACHE_CMAKE_DIR}")
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/ssm_cacheConfigVersion.cmake"
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  "${PROJECT_BINARY_DIR}/ssm_cacheConfig.cmake"
  "${PROJECT_BINARY_DIR}/ssm_cacheConfigVersion.cmake"
  DESTINATION "${SSM_CACHE_CMAKE_DIR}")

# pkg-config: a static library needs its private dependencies on the link line.
get_target_property(_ssm_cache_type ssm_cache TYPE)
if(_ssm_cache_type STREQUAL "STATIC_LIBRARY")
  # A static archive is useless without libcurl and OpenSSL on the link line, so they are
  # public requirements: plain `pkg-config --libs ssm_cache` links.
  set(SSM_CACHE_PC_REQUIRES "Requires: libcurl openssl hiredis")
  set(SSM_CACHE_PC_LIBS_PRIVATE "")
  set(SSM_CACHE_PC_EXTRA_LIBS "-pthread")
else()
  set(SSM_CACHE_PC_REQUIRES "Requires.private: libcurl openssl hiredis")
  set(SSM_CACHE_PC_LIBS_PRIVATE "")
  set(SSM_CACHE_PC_EXTRA_LIBS "-pthread")
endif()
# Relocatable: the prefix is found from the .pc file's own place, so that
# `cmake --install build --prefix P` works whatever CMAKE_INSTALL_PREFIX was at configure time.
file(RELATIVE_PATH SSM_CACHE_PC_PREFIX_FROM_PCFILEDIR
  "/ssm_cache_prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/ssm_cache_prefix")
configure_file("${PROJECT_SOURCE_DIR}/cmake/ssm_cache.pc.in"
  "${PROJECT_BINARY_DIR}/ssm_cache.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/ssm_cache.pc"
  DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
