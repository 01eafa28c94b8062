// unwind_exports.cpp — linked into ssm-cache for the Lambda layer only.
//
// The layer carries Debian's libcpp-httplib.so, which needs libgcc_s.so.1 for two functions.
// Debian's libgcc_s needs glibc 2.35, so the layer carries a stand-in instead
// (packaging/lambda/libgcc_s_shim.cpp) that forwards them here, to the unwinder linked
// statically into this program: one unwinder for every frame of the process. libgcc's static
// archive hides its symbols, hence these exported forwarders.
#include <unwind.h>

extern "C" {

_Unwind_Reason_Code __gcc_personality_v0(int version, _Unwind_Action actions,
                                         _Unwind_Exception_Class exception_class,
                                         _Unwind_Exception* exception, _Unwind_Context* context);

__attribute__((visibility("default"), used)) void ssm_cache_layer_unwind_resume(
    _Unwind_Exception* exception) {
  _Unwind_Resume(exception);
}

__attribute__((visibility("default"), used)) _Unwind_Reason_Code
ssm_cache_layer_gcc_personality_v0(int version, _Unwind_Action actions,
                                   _Unwind_Exception_Class exception_class,
                                   _Unwind_Exception* exception, _Unwind_Context* context) {
  return __gcc_personality_v0(version, actions, exception_class, exception, context);
}

}  // extern "C"
