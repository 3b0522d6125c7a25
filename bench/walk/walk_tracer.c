/* Records, for `bench/walk/trace_walk.sh`, every project function an instrumented expt enters for
 * the first time, in order, with the call site that first entered it: compiled into a binary
 * built with -finstrument-functions, it writes "function call_site" offsets (from the binary's
 * load address) to $EXPT_WALK_OUT when the process exits. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define NO_TRACE __attribute__((no_instrument_function))
#define CAPACITY (1u << 16)

static uintptr_t seen[CAPACITY];
static uintptr_t order_fn[CAPACITY], order_site[CAPACITY];
static unsigned count;
static uintptr_t base;

NO_TRACE static void write_walk(void) {
  const char* path = getenv("EXPT_WALK_OUT");
  FILE* out = path ? fopen(path, "w") : NULL;
  if (!out) return;
  for (unsigned i = 0; i < count; ++i) fprintf(out, "%lx %lx\n", (unsigned long)(order_fn[i] - base), (unsigned long)(order_site[i] - base));
  fclose(out);
}

NO_TRACE void __cyg_profile_func_enter(void* fn, void* site) {
  if (base == 0) {
    Dl_info info;
    if (dladdr(fn, &info) == 0) return;
    base = (uintptr_t)info.dli_fbase;
    atexit(write_walk);
  }
  uintptr_t key = (uintptr_t)fn;
  unsigned slot = (unsigned)((key >> 4) * 2654435761u) & (CAPACITY - 1);
  while (seen[slot] != 0) {
    if (seen[slot] == key) return;
    slot = (slot + 1) & (CAPACITY - 1);
  }
  if (count + 1 >= CAPACITY / 2) return;
  seen[slot] = key;
  order_fn[count] = key;
  order_site[count] = (uintptr_t)site;
  ++count;
}

NO_TRACE void __cyg_profile_func_exit(void* fn, void* site) {
  (void)fn;
  (void)site;
}
