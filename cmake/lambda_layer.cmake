# The AWS Lambda layer build (SSM_CACHE_LAMBDA_LAYER=ON, scripts/package.sh layer): ssm-cache
# made to run on Lambda's Amazon Linux 2023 (glibc 2.34), whatever Debian built it:
#   - libstdc++ and libgcc linked statically (Debian's need glibc 2.35/2.36), libevent too;
#   - glibc symbols newer than 2.34 that those archives reference are defined in the binary
#     (packaging/lambda/glibc_compat.cpp), so that the binary never binds them;
#   - every other library bundled in the layer's lib/, found through an $ORIGIN-relative
#     DT_RPATH (not RUNPATH: it also serves the bundled libraries' own dependencies), with
#     stand-ins for libstdc++.so.6 and libgcc_s.so.1 where cpp-httplib names them (below);
#   - the target lambda_layer assembles and checks the zip (packaging/lambda/make-layer.sh):
#     a glibc symbol newer than 2.34 anywhere in it fails the build.

# Included before tools/ is added: prefer static archives for what the programs find there.
macro(ssm_cache_lambda_layer_prefer_static)
  set(CMAKE_FIND_LIBRARY_SUFFIXES .a .so)
endmacro()

# Debian builds cpp-httplib only as a shared library, linked against the shared libstdc++. The
# layer carries it with stand-ins for libstdc++.so.6 and libgcc_s.so.1 that hold no code
# (make-layer.sh): every libstdc++ function it calls must then be exported by ssm-cache, which
# links libstdc++ statically. The linker exports what a shared library on the link line uses,
# but only once the archive member is linked in: -u makes sure of that for each one.
function(ssm_cache_lambda_layer_cxx_exports out)
  find_library(_httplib_so NAMES libcpp-httplib.so cpp-httplib REQUIRED)
  find_program(_objdump objdump REQUIRED)
  execute_process(COMMAND "${_objdump}" -T "${_httplib_so}" OUTPUT_VARIABLE _dynsyms
    COMMAND_ERROR_IS_FATAL ANY)
  string(REGEX MATCHALL "\\*UND\\*[^\n]*\\((GLIBCXX|CXXABI)_[0-9.]+\\) +[^\n]+" _uses "${_dynsyms}")
  set(_options "")
  foreach(_use IN LISTS _uses)
    string(REGEX REPLACE ".* ([^ ]+)$" "\\1" _symbol "${_use}")
    list(APPEND _options "-Wl,-u,${_symbol}")
  endforeach()
  set(${out} "${_options}" PARENT_SCOPE)
endfunction()

# Included after tools/ is added.
function(ssm_cache_lambda_layer_setup)
  ssm_cache_lambda_layer_cxx_exports(_ssm_cache_layer_cxx_exports)
  if(NOT TARGET ssm-cache)
    message(FATAL_ERROR "SSM_CACHE_LAMBDA_LAYER needs SSM_CACHE_BUILD_TOOLS")
  endif()
  target_sources(ssm-cache PRIVATE "${PROJECT_SOURCE_DIR}/packaging/lambda/glibc_compat.cpp"
    "${PROJECT_SOURCE_DIR}/packaging/lambda/unwind_exports.cpp")
  target_link_options(ssm-cache PRIVATE -static-libstdc++ -static-libgcc -Wl,--disable-new-dtags
    "-Wl,--export-dynamic-symbol=ssm_cache_layer_*" ${_ssm_cache_layer_cxx_exports})
  set_target_properties(ssm-cache PROPERTIES
    BUILD_WITH_INSTALL_RPATH ON INSTALL_RPATH "\$ORIGIN/../lib")
  set(_zip "${PROJECT_BINARY_DIR}/ssm-cache-lambda-layer-${PROJECT_VERSION}-${CMAKE_SYSTEM_PROCESSOR}.zip")
  add_custom_command(OUTPUT "${_zip}"
    COMMAND "${PROJECT_SOURCE_DIR}/packaging/lambda/make-layer.sh" "$<TARGET_FILE:ssm-cache>"
            "${PROJECT_BINARY_DIR}/layer" "${_zip}" "${CMAKE_CXX_COMPILER}"
    DEPENDS ssm-cache "${PROJECT_SOURCE_DIR}/packaging/lambda/make-layer.sh"
            "${PROJECT_SOURCE_DIR}/packaging/lambda/check-layer.sh"
            "${PROJECT_SOURCE_DIR}/packaging/lambda/libgcc_s_shim.cpp"
    COMMENT "Lambda layer ${_zip}"
    VERBATIM)
  add_custom_target(lambda_layer DEPENDS "${_zip}")
endfunction()
