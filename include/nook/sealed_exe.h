/* CVE-2019-5736: create, run and exec run from a copy of the nook binary
 * that cannot be written, so that the init and the exec helper (clones of
 * this process) never expose the host's file as their /proc/<pid>/exe. */
#ifndef NOOK_SEALED_EXE_H
#define NOOK_SEALED_EXE_H

#include "nook/error.h"

/* Returns 0 when /proc/self/exe is already sealed (a sealed memfd, or a
 * file on a read-only overlayfs). Otherwise re-executes this process, same
 * arguments and environment, from a sealed copy: a private read-only
 * overlayfs over the binary's directory, its second layer state_root (must
 * not overlap that directory), else a sealed memfd. Returns only on error
 * (-1 with err). */
int nook_exe_seal(const char *state_root, struct nook_error *err);

#endif
