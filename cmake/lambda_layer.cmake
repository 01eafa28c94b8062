# The AWS Lambda layer build (SSM_CACHE_LAMBDA_LAYER=ON, scripts/package.sh layer): ssm-cache
# made to run on Lambda's Amazon Linux 2023 (glibc 2.34), whatever Debian built it:
#   - libstdc++ and libgcc linked statically (Debian's need glibc 2.35/2.36), libevent too;
#   - glibc symbols newer than 2.34 that those archives reference are defined in the binary
#     (packaging/lambda/glibc_compat.cpp), so that the binary never binds them;
#   - every other library bundled in the layer's lib/, found through an $ORIGIN-relative
#     DT_RPATH (not RUNPATH: it also serves the bundled libraries' own dependencies); none of
#     them is C++ (ssm-cache links libcurl and libevent only), so no libstdc++ is bundled;
#   - the target lambda_layer assembles and checks the zip (packaging/lambda/make-layer.sh):
#     a glibc symbol newer than 2.34 anywhere in it fails the build.

# Included before tools/ is added: prefer static archives for what the programs find there.
macro(ssm_cache_lambda_layer_prefer_static)
  set(CMAKE_FIND_LIBRARY_SUFFIXES .a .so)
endmacro()

# Included after tools/ is added.
function(ssm_cache_lambda_layer_setup)
  if(NOT TARGET ssm-cache)
    message(FATAL_ERROR "SSM_CACHE_LAMBDA_LAYER needs SSM_CACHE_BUILD_TOOLS")
  endif()
  target_sources(ssm-cache PRIVATE "${PROJECT_SOURCE_DIR}/packaging/lambda/glibc_compat.cpp")
  target_link_options(ssm-cache PRIVATE -static-libstdc++ -static-libgcc -Wl,--disable-new-dtags)
  set_target_properties(ssm-cache PROPERTIES
    BUILD_WITH_INSTALL_RPATH ON INSTALL_RPATH "\$ORIGIN/../lib")
  set(_zip "${PROJECT_BINARY_DIR}/ssm-cache-lambda-layer-${PROJECT_VERSION}-${CMAKE_SYSTEM_PROCESSOR}.zip")
  add_custom_command(OUTPUT "${_zip}"
    COMMAND "${PROJECT_SOURCE_DIR}/packaging/lambda/make-layer.sh" "$<TARGET_FILE:ssm-cache>"
            "${PROJECT_BINARY_DIR}/layer" "${_zip}"
    DEPENDS ssm-cache "${PROJECT_SOURCE_DIR}/packaging/lambda/make-layer.sh"
            "${PROJECT_SOURCE_DIR}/packaging/lambda/check-layer.sh"
    COMMENT "Lambda layer ${_zip}"
    VERBATIM)
  add_custom_target(lambda_layer DEPENDS "${_zip}")
endfunction()
