// libgcc_s_shim.cpp — the layer's lib/libgcc_s.so.1 (built by make-layer.sh).
//
// Stands in for Debian's libgcc_s.so.1 (which needs glibc 2.35) for the bundled libraries that
// name it: it defines the functions they take from it under the same symbol versions and
// forwards each to the unwinder linked statically into ssm-cache
// (packaging/lambda/unwind_exports.cpp), which the dynamic loader finds in the executable.
#include <unwind.h>

extern "C" {

void ssm_cache_layer_unwind_resume(_Unwind_Exception* exception);
_Unwind_Reason_Code ssm_cache_layer_gcc_personality_v0(int version, _Unwind_Action actions,
                                                       _Unwind_Exception_Class exception_class,
                                                       _Unwind_Exception* exception,
                                                       _Unwind_Context* context);

void _Unwind_Resume(_Unwind_Exception* exception) {
  ssm_cache_layer_unwind_resume(exception);
  __builtin_unreachable();
}

_Unwind_Reason_Code __gcc_personality_v0(int version, _Unwind_Action actions,
                                         _Unwind_Exception_Class exception_class,
                                         _Unwind_Exception* exception, _Unwind_Context* context) {
  return ssm_cache_layer_gcc_personality_v0(version, actions, exception_class, exception,
                                            context);
}

}  // extern "C"
