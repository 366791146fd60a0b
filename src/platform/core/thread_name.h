#pragma once
// Names the calling thread (at most 15 bytes) so `top -H`, perf and gdb tell the database
// writer from the HTTP threads and the job runner.
#include <pthread.h>

namespace kefu::core {

inline void name_this_thread(const char* name) { pthread_setname_np(pthread_self(), name); }

}  // namespace kefu::core
